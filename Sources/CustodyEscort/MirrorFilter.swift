/// Filters the engineer's terminal output on its way to the escort's terminal, so that hostile
/// output cannot act on the escort's terminal or smuggle keys into the escort's input.
///
/// Passed unchanged: text, colours, cursor movement, alternate screen, everything that draws.
/// Dropped: sequences that make a terminal answer (a device status or attribute query, a window
/// report, a mode query, ENQ's answerback), since the answer would arrive as the escort's
/// keystrokes; window manipulation (resize, move, iconify); and every OSC, DCS, APC, PM and SOS
/// string (clipboard writes with OSC 52, colour queries, titles, terminal-specific commands).
///
/// An escape sequence split across chunks is held back until it is complete, so the gateway's
/// own messages to the escort never land inside one. The engineer's own terminal and the
/// recording get the output unchanged.
///
/// ```swift
/// var filter = MirrorFilter()
/// let shown = filter.filter(bytes)   // what the escort's terminal receives
/// ```
package struct MirrorFilter: Sendable {
    private enum State: Sendable {
        case ground
        case escape
        case csi
        /// Inside a CSI sequence longer than ``maximumHeld``: dropped up to its final byte.
        case discardedCSI
        /// Inside a dropped string; `afterEscape` when the last byte was ESC.
        case string(afterEscape: Bool)
    }

    private var state: State = .ground
    private var held: [UInt8] = []
    private var stringLength = 0
    /// How many bytes were dropped so far.
    package private(set) var droppedBytes = 0

    /// Longest CSI sequence held back; a longer one is dropped whole (a terminal would still act
    /// on its final byte).
    static let maximumHeld = 256
    /// Longest dropped string; after this the filter gives up on it and passes bytes again.
    static let maximumString = 1 << 20

    package init() {}

    /// Whether the filter is between sequences (nothing held back).
    package var isIdle: Bool {
        if case .ground = state { return true }
        return false
    }

    /// Filters one chunk. Returns the bytes to send to the escort (possibly fewer than given).
    package mutating func filter(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if case .ground = state, !bytes.contains(where: { $0 == 0x1B || $0 == 0x05 }) {
            return Array(bytes)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + held.count)
        for byte in bytes {
            step(byte, into: &out)
        }
        return out
    }

    private mutating func step(_ byte: UInt8, into out: inout [UInt8]) {
        // ENQ makes a terminal send its answerback, even in the middle of a sequence.
        if byte == 0x05 {
            droppedBytes += 1
            return
        }
        switch state {
        case .ground:
            switch byte {
            case 0x1B:
                state = .escape
                held = [byte]
            case 0x05:
                droppedBytes += 1
            default:
                out.append(byte)
            }
        case .escape:
            switch byte {
            case UInt8(ascii: "["):
                state = .csi
                held.append(byte)
            case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"):
                droppedBytes += held.count + 1
                held = []
                stringLength = 0
                state = .string(afterEscape: false)
            case 0x1B:
                out += held
                held = [byte]
            case 0x18, 0x1A, UInt8(ascii: "Z"):  // cancel; DECID (ESC Z) makes the terminal answer
                droppedBytes += held.count + 1
                held = []
                state = .ground
            default:
                out += held
                out.append(byte)
                held = []
                state = .ground
            }
        case .csi:
            held.append(byte)
            if byte >= 0x40, byte <= 0x7E {
                if Self.makesTerminalAnswer(held) {
                    droppedBytes += held.count
                } else {
                    out += held
                }
                held = []
                state = .ground
            } else if byte == 0x18 || byte == 0x1A {
                droppedBytes += held.count
                held = []
                state = .ground
            } else if byte == 0x1B {
                held.removeLast()
                out += held
                held = [byte]
                state = .escape
            } else if held.count > Self.maximumHeld {
                droppedBytes += held.count
                held = []
                state = .discardedCSI
            }
        case .discardedCSI:
            droppedBytes += 1
            if (byte >= 0x40 && byte <= 0x7E) || byte == 0x18 || byte == 0x1A {
                state = .ground
            } else if byte == 0x1B {
                droppedBytes -= 1
                held = [byte]
                state = .escape
            }
        case .string(let afterEscape):
            droppedBytes += 1
            stringLength += 1
            if byte == 0x07 || byte == 0x18 || byte == 0x1A || (afterEscape && byte == UInt8(ascii: "\\")) {
                state = .ground
            } else if afterEscape {
                // ESC followed by anything else ends the string and starts a new sequence.
                droppedBytes -= 1
                state = .escape
                held = [0x1B]
                step(byte, into: &out)
            } else if stringLength > Self.maximumString {
                state = .ground
            } else {
                state = .string(afterEscape: byte == 0x1B)
            }
        }
    }

    /// Whether a complete CSI sequence (`ESC [ … final`) asks the terminal to answer or to change
    /// its window.
    static func makesTerminalAnswer(_ sequence: [UInt8]) -> Bool {
        guard let final = sequence.last, sequence.count >= 3 else { return false }
        let parameters = sequence[2..<(sequence.count - 1)]
        switch final {
        case UInt8(ascii: "n"), UInt8(ascii: "c"), UInt8(ascii: "t"), UInt8(ascii: "x"):
            // Device status report, device attributes, window manipulation and reports,
            // DECREQTPARM.
            return true
        case UInt8(ascii: "p"):
            // DECRQM (mode query) has a '$' intermediate.
            return parameters.contains(UInt8(ascii: "$"))
        case UInt8(ascii: "q"):
            // XTVERSION (`CSI > q`) and DECRQSS-like queries.
            return parameters.first == UInt8(ascii: ">")
        case UInt8(ascii: "u"):
            // Keyboard protocol query (`CSI ? u`).
            return parameters.first == UInt8(ascii: "?")
        default:
            return false
        }
    }
}
