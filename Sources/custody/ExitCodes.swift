import ArgumentParser
import CustodyCore

/// The one place where results and errors become exit codes (see docs and DESIGN.md).
///
/// 0: nothing at or above the failure threshold; 1: findings or violations at or above it;
/// 2: configuration error; 3: the work could not run or could not finish; 64: usage error.
enum CustodyExit {
    static let clean = ExitCode(0)
    static let failed = ExitCode(1)
    static let configuration = ExitCode(2)
    static let incomplete = ExitCode(3)
    static let usage = ExitCode(64)

    /// Maps a core error to its exit code.
    static func code(for error: CustodyError) -> ExitCode {
        switch error.code {
        case .configuration: configuration
        case .usage: usage
        default: incomplete
        }
    }
}

/// Prints a one-line error to standard error, neutralized, and returns the exit code.
func reportError(_ error: any Error) -> ExitCode {
    if let error = error as? CustodyError {
        printError("custody: \(error.description)")
        return CustodyExit.code(for: error)
    }
    printError("custody: \(error)")
    return CustodyExit.incomplete
}

func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = writeToStandardError(buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
