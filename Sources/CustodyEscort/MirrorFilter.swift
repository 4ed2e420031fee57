/// Filters the engineer's terminal output on its way to the escort's terminal, so that hostile
/// output cannot act on the escort's terminal or smuggle keys into the escort's input.
///
/// Passed unchanged: text, colours, cursor movement, alternate screen, everything that draws.
/// Dropped: sequences that make a terminal answer (a device status or attribute query, a window
/// report, a mode query, ENQ's answerback), since the answer would arrive as the escort's
/// keystrokes; window manipulation (resize, move, iconify); and every OSC, DCS, APC, PM and SOS
/// string (clipboard writes with OSC 52, colour queries, titles, terminal-specific commands).
///
/// C1 controls, the 8-bit forms of these sequences, are judged like their 7-bit forms: a byte
/// 0x80–0x9F that does not continue a UTF-8 character (a terminal in 8-bit mode reads it as a
/// control) and the UTF-8 encoding of U+0080–U+009F (which xterm obeys) both become `ESC` and the
/// byte's 7-bit partner (0x9B is `ESC [`, 0x9D is `ESC ]`, 0x90 is `ESC P`), and are then passed
/// or dropped by the rules above. `ESC SP F` and `ESC SP G`, which switch how the terminal sends
/// its own controls, are dropped.
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
        /// After `ESC SP`: waiting for the final byte.
        case escapeSpace
    }

    private var state: State = .ground
    private var held: [UInt8] = []
    private var stringLength = 0
    /// UTF-8 continuation bytes still expected by the last lead byte.
    private var continuations = 0
    /// The bytes the next continuation may be (narrower after E0, ED, F0 and F4, as UTF-8
    /// requires); a byte outside it ends the character.
    private var nextContinuation: ClosedRange<UInt8> = 0x80...0xBF
    /// A 0xC2 lead byte held back: with 0x80–0x9F after it, it is a C1 control.
    private var heldC2 = false
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
        if case .ground = state { return !heldC2 }
        return false
    }

    /// Filters one chunk. Returns the bytes to send to the escort (possibly fewer than given).
    package mutating func filter(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if case .ground = state, !heldC2, !bytes.contains(where: { $0 == 0x1B || $0 == 0x05 || $0 >= 0x80 }) {
            continuations = 0
            return Array(bytes)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + held.count + 1)
        for byte in bytes {
            decode(byte, into: &out)
        }
        return out
    }

    /// Turns C1 controls into their 7-bit forms before ``step(_:into:)``; passes every other
    /// byte, including those of UTF-8 characters, as it is.
    private mutating func decode(_ byte: UInt8, into out: inout [UInt8]) {
        if heldC2 {
            heldC2 = false
            if byte >= 0x80, byte <= 0x9F {
                // U+0080–U+009F written in UTF-8.
                continuations = 0
                step(0x1B, into: &out)
                step(byte - 0x40, into: &out)
                return
            }
            continuations = 1
            step(0xC2, into: &out)
        }
        if continuations > 0, !nextContinuation.contains(byte) {
            // Not a UTF-8 character after all: the byte stands on its own.
            continuations = 0
        }
        nextContinuation = 0x80...0xBF
        switch byte {
        case 0x80...0xBF where continuations > 0:
            continuations -= 1
            step(byte, into: &out)
        case 0x80...0x9F:
            // A raw C1 control.
            step(0x1B, into: &out)
            step(byte - 0x40, into: &out)
        case 0xC2:
            continuations = 0
            heldC2 = true
        case 0xC3...0xDF:
            continuations = 1
            step(byte, into: &out)
        case 0xE0...0xEF:
            continuations = 2
            nextContinuation = byte == 0xE0 ? 0xA0...0xBF : byte == 0xED ? 0x80...0x9F : 0x80...0xBF
            step(byte, into: &out)
        case 0xF0...0xF4:
            continuations = 3
            nextContinuation = byte == 0xF0 ? 0x90...0xBF : byte == 0xF4 ? 0x80...0x8F : 0x80...0xBF
            step(byte, into: &out)
        default:
            continuations = 0
            step(byte, into: &out)
        }
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
            case 0x20:
                held.append(byte)
                state = .escapeSpace
            default:
                out += held
                out.append(byte)
                held = []
                state = .ground
            }
        case .escapeSpace:
            guard byte >= 0x20, byte <= 0x7E else {
                // ESC (or any other control) starts over, as in a terminal: pass `ESC SP` and
                // judge this byte afresh, so `ESC SP ESC [ 6 n` is still caught.
                out += held
                held = []
                state = .ground
                step(byte, into: &out)
                return
            }
            held.append(byte)
            if byte == UInt8(ascii: "F") || byte == UInt8(ascii: "G") {
                // S7C1T / S8C1T change how the terminal answers.
                droppedBytes += held.count
            } else {
                out += held
            }
            held = []
            state = .ground
        case .csi:
            if byte >= 0x80 {
                // Not part of any control sequence: a terminal gives up on it here.
                droppedBytes += held.count
                held = []
                state = .ground
                step(byte, into: &out)
                return
            }
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
