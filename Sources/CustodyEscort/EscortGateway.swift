import CustodyCore

/// The SSH gateway that gates an engineer's commands on an escort. Built by the escort issue.
package enum EscortGateway {}
