/// Paths of the c2sp.org/tlog-tiles layout (tile height 8: 256 hashes or entries per tile).
package enum TilePath {
    /// Hashes (or entries) per full tile.
    package static let width: UInt64 = 256

    /// `N` as 3-digit groups, all but the last prefixed with `x`: 1234067 → `x001/x234/067`.
    package static func index(_ n: UInt64) -> String {
        var groups: [String] = []
        var value = n
        repeat {
            let group = value % 1000
            let digits = String(group)
            groups.append(String(repeating: "0", count: 3 - digits.count) + digits)
            value /= 1000
        } while value > 0
        groups.reverse()
        return groups.enumerated().map { $0.offset < groups.count - 1 ? "x" + $0.element : $0.element }
            .joined(separator: "/")
    }

    /// `tile/<level>/<N>[.p/<W>]` (W < 256 for a partial tile).
    package static func hashTile(level: Int, index: UInt64, width: UInt64) -> String {
        "tile/\(level)/" + Self.index(index) + (width < TilePath.width ? ".p/\(width)" : "")
    }

    /// `tile/entries/<N>[.p/<W>]`.
    package static func entryBundle(index: UInt64, width: UInt64) -> String {
        "tile/entries/" + Self.index(index) + (width < TilePath.width ? ".p/\(width)" : "")
    }

    /// The directory holding the partials of tile `N` (`…/<N>.p`).
    package static func partialDirectory(level: Int?, index: UInt64) -> String {
        (level.map { "tile/\($0)/" } ?? "tile/entries/") + Self.index(index) + ".p"
    }

    /// The tiles that make up a tree of `size` leaves at one level: (index, width) pairs.
    package static func tiles(level: Int, treeSize: UInt64) -> [(index: UInt64, width: UInt64)] {
        let nodes = level >= 8 ? 0 : treeSize >> (8 * UInt64(level))
        var out: [(UInt64, UInt64)] = []
        var n: UInt64 = 0
        while n * width < nodes {
            out.append((n, min(width, nodes - n * width)))
            n += 1
        }
        return out
    }
}
