/// The rules of the identity-anomaly category.
package enum IdentityAnomalyRules {
    static func rule(_ number: Int, _ name: String, _ severity: Severity, _ confidence: Confidence, _ summary: String, _ help: String) -> DetectorRule {
        DetectorRule(
            id: "CUST-IDENTITY-ANOMALY-" + (number < 10 ? "00" : "0") + String(number),
            name: name,
            category: .identityAnomaly,
            severity: severity,
            confidence: confidence,
            summary: summary,
            help: help
        )
    }

    package static let authorIsNotCommitter = rule(
        1, "AuthorIsNotCommitter", .low, .medium,
        "Someone other than the person named as the author put this change into the history.",
        "The author and committer identities differ. That is normal when a maintainer applies someone else's patch, but it also lets one person present work under another's name; check that the author really wrote it."
    )
    package static let signerIsNotAuthor = rule(
        2, "SignerIsNotAuthor", .medium, .high,
        "This change is signed by someone other than the person named as its author.",
        "The commit's signature was made with a key that does not belong to the author on the roster. Check who really made the change and why another person's key vouches for it."
    )
    package static let botNameWithoutBotIdentity = rule(
        3, "BotNameWithoutBotIdentity", .high, .high,
        "This change claims to come from an automated bot, but its email is not that bot's.",
        "The author or committer name looks like a bot (for example dependabot[bot]) but the email is not the bot's GitHub identity. Attackers dress up changes as routine bot updates so nobody reads them."
    )
    package static let datesFarApart = rule(
        4, "AuthorDateFarFromCommitDate", .low, .medium,
        "This change says it was written long before or after it entered the history.",
        "The author date and the commit date are far apart. Rebases and old patches explain some cases; an author date after the commit date, or a large gap, can hide when a change was really made."
    )
    package static let futureDate = rule(
        5, "DateInTheFuture", .high, .high,
        "This change is dated in the future, so its dates cannot be trusted.",
        "The author or commit date is later than the time of the audit. Dates in commits are set by whoever makes them; a future date is either a broken clock or a deliberate forgery."
    )
    package static let timeZoneChange = rule(
        6, "TimeZonePatternChange", .medium, .medium,
        "This person's changes suddenly started coming from a different time zone.",
        "Several commits in a row carry a UTC offset the identity never used before. It can be travel or a move; it can also mean someone else is now using the identity. The roster, not the time zone, says where people are."
    )
    package static let stoppedSigning = rule(
        7, "StoppedSigning", .medium, .medium,
        "This person always signed their changes and then stopped, which can mean someone else is using their name.",
        "After a run of signed commits, the identity made an unsigned one. A lost key explains it; so does an impostor without the key."
    )
    package static let emailUnderSeveralNames = rule(
        8, "EmailUnderSeveralNames", .low, .medium,
        "One email address appears under several different names.",
        "The same email is used with different author names. It may be a name change or a typo; it may also be shared or borrowed credentials."
    )
    package static let nameUnderSeveralEmails = rule(
        9, "NameUnderSeveralEmails", .info, .low,
        "One name appears with several different email addresses.",
        "The same author name is used with different emails. Usually a work and a personal address; check that all of them are on the roster for the same person."
    )

    package static let all: [DetectorRule] = [
        authorIsNotCommitter, signerIsNotAuthor, botNameWithoutBotIdentity, datesFarApart, futureDate,
        timeZoneChange, stoppedSigning, emailUnderSeveralNames, nameUnderSeveralEmails,
    ]
}
