/// Every detector Custody runs. Each group lives in its own file so that detectors are added
/// without touching this one.
package enum DetectorRegistry {
    package static let all: [any Detector] = contentDetectors + buildDetectors + identityDetectors

    /// Every rule of every detector, for SARIF's `tool.driver.rules` and the docs.
    package static var rules: [DetectorRule] { all.flatMap(\.rules) }
}
