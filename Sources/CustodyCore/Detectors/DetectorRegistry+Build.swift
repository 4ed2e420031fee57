extension DetectorRegistry {
    /// Detectors of build, CI, packaging, binaries and dependencies.
    static let buildDetectors: [any Detector] = [
        BuildTamperingDetector(),
        SecurityCheckSabotageDetector(),
        OpaqueBinaryDetector(),
        CIWorkflowRiskDetector(),
        DependencyRiskDetector(),
    ]
}
