/// Everything the detectors and the risk score work out from a changed file's path alone, worked
/// out once per distinct path for the whole process and remembered (``BoundedMemo``).
///
/// A history changes the same few thousand paths again and again (tmux: 28,857 file changes),
/// and lowercasing, splitting and matching a path's names took a sixth of the detectors' time
/// when every detector did it for every change. The values depend on the path alone, so a
/// remembered one is the one that would be worked out again.
struct PathFacts: Sendable {
    let traits: FileTraits
    let role: BuildFiles.Role
    let language: BuildFiles.Language
    let ecosystem: BuildFiles.Ecosystem?
    let isTest: Bool
    let isVendored: Bool
    let touchesSandbox: Bool
    let sensitiveAreas: Set<SensitiveArea>
    /// The file name, lowercased, and its extension (lowercase, without the dot, or "").
    let lowerName: String
    let fileExtension: String

    init(_ path: String) {
        traits = FileTraits(path: path)
        role = BuildFiles.workOutRole(of: path)
        language = BuildFiles.workOutLanguage(of: path)
        ecosystem = BuildFiles.workOutEcosystem(ofManifest: path)
        isTest = BuildFiles.workOutIsTestPath(path)
        isVendored = BuildFiles.workOutIsVendoredPath(path)
        touchesSandbox = BuildFiles.workOutTouchesSandbox(path)
        sensitiveAreas = BuildFiles.workOutSensitiveAreas(of: path, role: role, touchesSandbox: touchesSandbox)
        lowerName = BuildFiles.fileName(path).lowercased()
        fileExtension = BuildFiles.fileExtension(lowerName)
    }

    /// Paths remembered: two generations of this many (a path's facts take about 300 bytes).
    static let memo = BoundedMemo<String, PathFacts>(capacity: 8192)

    /// The facts of `path`, remembered or worked out now.
    static func of(_ path: String) -> PathFacts {
        if let known = memo.value(for: path) { return known }
        let facts = PathFacts(path)
        memo.store(facts, for: path)
        return facts
    }
}
