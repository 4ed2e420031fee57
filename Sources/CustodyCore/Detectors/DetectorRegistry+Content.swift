extension DetectorRegistry {
    /// Detectors that read the added lines of source files.
    static let contentDetectors: [any Detector] = []
}
