extension DetectorRegistry {
    /// Detectors that read the added lines of source files.
    static let contentDetectors: [any Detector] = [
        HiddenUnicodeDetector(),
        ConfusableIdentifierDetector(),
        ObfuscatedPayloadDetector(),
        DecodeAndExecuteDetector(),
        HiddenTriggerDetector(),
        NetworkIndicatorDetector(),
        TimeOrGeoBombDetector(),
        DestructiveOperationDetector(),
        PersistenceDetector(),
        SecretLeakDetector(),
    ]
}

extension DetectorRegistry {
    /// The content detectors, for callers outside the core (`custody debug scan-text`).
    package static var content: [any Detector] { contentDetectors }
}
