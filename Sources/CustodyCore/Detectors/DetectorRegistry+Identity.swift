extension DetectorRegistry {
    /// Detectors of identity anomalies (the policy issue). History-wide anomalies are found by
    /// `IdentityAnomalyAnalyzer` in a pass over the ordered commits.
    static let identityDetectors: [any Detector] = [IdentityAnomalyDetector()]
}
