/// The gateway's own line editor for the engineer's terminal: nothing the engineer types reaches
/// the shell until a whole line is judged.
///
/// It understands printable characters (UTF-8 included), tab, backspace, ctrl-u, ctrl-c and enter,
/// skips cursor and function-key escape sequences, and echoes locally. A chunk of input that holds
/// several lines (a paste) becomes one opaque item, and so does a very long line or one with a long
/// run of encoded text.
///
/// ```swift
/// var editor = LineEditor()
/// for event in editor.feed(Array("ls -l\r".utf8)) { ... }
/// ```
package struct LineEditor: Sendable {
    /// What the editor asks the gateway to do.
    package enum Event: Equatable, Sendable {
        /// Bytes to show on the engineer's terminal (local echo).
        case echo([UInt8])
        /// A finished item to judge; `opaqueReason` says why it cannot be read as one plain line.
        case submit(line: [UInt8], opaqueReason: String?)
        /// ctrl-c: the line was discarded; the interrupt goes to the terminal.
        case interrupt
        /// A control key passed to the terminal unchanged (ctrl-d on an empty line, ctrl-z, ctrl-\).
        case control(UInt8)
        /// A key that does nothing here.
        case bell
    }

    /// Longest line the editor keeps; more input rings the bell.
    package static let maximumLineLength = 64 * 1024
    /// A line longer than this is opaque.
    package static let opaqueLineLength = 1024
    /// A run of base64 or hex characters at least this long makes a line opaque.
    package static let opaqueRunLength = 120

    package private(set) var buffer: [UInt8] = []
    private var escapeState: EscapeState = .none
    private var lastWasCarriageReturn = false

    private enum EscapeState: Sendable { case none, escape, csi, ss3 }

    package init() {}

    /// Feeds one chunk of input as it arrived from the network.
    ///
    /// - Returns: the events, in order. Several lines in one chunk come back as one `submit`.
    package mutating func feed(_ chunk: some Collection<UInt8>) -> [Event] {
        var events: [Event] = []
        var completed: [[UInt8]] = []
        for byte in chunk {
            if lastWasCarriageReturn, byte == 0x0A {
                lastWasCarriageReturn = false
                continue
            }
            lastWasCarriageReturn = false
            switch escapeState {
            case .escape:
                escapeState = byte == UInt8(ascii: "[") ? .csi : (byte == UInt8(ascii: "O") ? .ss3 : .none)
                continue
            case .csi:
                if byte >= 0x40, byte <= 0x7E { escapeState = .none }
                continue
            case .ss3:
                escapeState = .none
                continue
            case .none:
                break
            }
            switch byte {
            case 0x0D, 0x0A:
                lastWasCarriageReturn = byte == 0x0D
                completed.append(buffer)
                buffer.removeAll(keepingCapacity: true)
                events.append(.echo([0x0D, 0x0A]))
            case 0x1B:
                escapeState = .escape
            case 0x7F, 0x08:
                if let removed = removeLastCharacter() { events.append(.echo(removed)) } else { events.append(.bell) }
            case 0x15:
                var erase: [UInt8] = []
                while let removed = removeLastCharacter() { erase += removed }
                if !erase.isEmpty { events.append(.echo(erase)) }
            case 0x03:
                buffer.removeAll(keepingCapacity: true)
                events.append(.interrupt)
            case 0x04:
                events.append(buffer.isEmpty && completed.isEmpty ? .control(0x04) : .bell)
            case 0x1A, 0x1C:
                events.append(.control(byte))
            case 0x09, 0x20...0x7E, 0x80...0xFF:
                if buffer.count >= Self.maximumLineLength {
                    events.append(.bell)
                } else {
                    buffer.append(byte)
                    events.append(.echo([byte]))
                }
            default:
                events.append(.bell)
            }
        }
        if completed.count == 1 {
            events.append(.submit(line: completed[0], opaqueReason: Self.opaqueReason(completed[0])))
        } else if completed.count > 1 {
            var joined: [UInt8] = []
            for (index, line) in completed.enumerated() {
                if index > 0 { joined.append(0x0A) }
                joined += line
            }
            events.append(.submit(line: joined, opaqueReason: "a paste of \(completed.count) lines"))
        }
        return Self.coalesce(events)
    }

    /// Why a single line cannot be shown as plain text, or nil when it can.
    package static func opaqueReason(_ line: [UInt8]) -> String? {
        if line.count > opaqueLineLength { return "a very long line (\(line.count) bytes)" }
        var run = 0
        for byte in line {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                run += 1
                if run >= opaqueRunLength { return "a long run of encoded text" }
            default:
                run = 0
            }
        }
        return nil
    }

    /// Clears the line being edited (for example when the session pauses).
    package mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        escapeState = .none
    }

    private mutating func removeLastCharacter() -> [UInt8]? {
        guard !buffer.isEmpty else { return nil }
        // Drop UTF-8 continuation bytes together with their lead byte.
        while let last = buffer.popLast() {
            if last & 0xC0 != 0x80 { break }
        }
        return [0x08, 0x20, 0x08]
    }

    private static func coalesce(_ events: [Event]) -> [Event] {
        var result: [Event] = []
        result.reserveCapacity(events.count)
        for event in events {
            if case .echo(let more) = event, case .echo(let previous)? = result.last {
                result[result.count - 1] = .echo(previous + more)
            } else {
                result.append(event)
            }
        }
        return result
    }
}
