extension DetectorRegistry {
    /// Detectors of identity anomalies (the policy issue).
    static let identityDetectors: [any Detector] = []
}
