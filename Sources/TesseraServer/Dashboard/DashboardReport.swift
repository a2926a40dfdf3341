import TesseraAnalytics
import TesseraLRS
import XAPI

/// What the dashboard's filters ask for: `from`, `to` and `cohort` are dates (YYYY-MM-DD);
/// an empty value (as a form sends) means "not set".
struct DashboardFilters: Equatable {
    var from: Day?
    var to: Day?
    var team: String?
    var program: String?
    var cohort: Day?

    /// A filter the dashboard cannot use: which one, and why.
    struct Invalid: Error {
        let field: String
        let reason: String
    }

    /// The longest period a page shows: 100 years.
    static let maximumPeriodDays: Int64 = 36_525

    /// The filters of a query string (unknown parameters are ignored: a page, not an API), and
    /// the first one that cannot be used. The others are kept, so that the form shown with the
    /// problem still holds what was chosen.
    static func parse(_ parameters: QueryParameters) -> (filters: DashboardFilters, problem: Invalid?) {
        var problem: Invalid?
        func text(_ name: String) -> String? {
            guard let value = parameters[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func day(_ name: String) -> Day? {
            guard let value = text(name) else { return nil }
            guard let day = Day(value) else {
                problem = problem ?? Invalid(field: name, reason: "must be a date like 2024-06-30, got \"\(value)\"")
                return nil
            }
            return day
        }
        var filters = DashboardFilters(from: day("from"), to: day("to"), team: text("team"), program: text("program"), cohort: day("cohort"))
        if let from = filters.from, let to = filters.to, to < from {
            problem = problem ?? Invalid(field: "to", reason: "must be on or after from (\(from))")
            filters.to = nil
        }
        return (filters, problem)
    }

    /// These filters without the one `problem` names.
    func without(_ problem: Invalid) -> DashboardFilters {
        var kept = self
        switch problem.field {
        case "from": kept.from = nil
        case "to": kept.to = nil
        case "team": kept.team = nil
        case "program": kept.program = nil
        case "cohort": kept.cohort = nil
        default: break
        }
        return kept
    }
}

/// Everything one dashboard page shows, read from the store for one set of filters.
struct DashboardReport {
    /// The period the charts cover: the filters' dates, else the stored data's first and last day.
    let from: Day
    let to: Day
    /// The day employee retention looks from: the filter's, else the middle of the period.
    let cohort: Day
    let filters: DashboardFilters
    let teams: [String]
    /// The loaded catalog (nil: none, and the analytics charts explain how to load one).
    let catalog: Catalog?
    let hasRoster: Bool
    let volume: [DailyVolume]
    let proficiency: [ProficiencyRow]
    let outcomes: [ProgramOutcome]
    let knowledge: [KnowledgeRetention]
    /// Employee retention of the team filtered on, or of everyone (nil when the cohort date is
    /// not before the end of the period), and the same people's curves over the period.
    let employees: EmployeeRetention?
    let employeeCurves: EmployeeSurvival?
    /// Mandatory programs (the one filtered on, when it is mandatory) as of the period's end.
    let compliance: [ProgramCompliance]
    /// Proficiency (the team's, or everyone's per skill) at each month's end of the period's
    /// last twelve months, the period's end last.
    let trend: [(day: Day, rows: [ProficiencyRow])]

    /// Behaviour change is looked for this long after completion (the outcomes' default).
    static let behaviorWindowDays = 90

    /// Reads the report; a program the catalog does not know, or a team the roster does not, is
    /// an `Invalid`.
    static func load(_ filters: DashboardFilters, from store: any LRSStore, today: Day) async throws -> DashboardReport {
        let stored = try await store.learningDays()
        let to = filters.to ?? stored?.upperBound ?? today
        let from = filters.from ?? min(stored?.lowerBound ?? Day(ordinal: to.ordinal - 29), to)
        guard to.ordinal - from.ordinal < DashboardFilters.maximumPeriodDays else {
            throw DashboardFilters.Invalid(
                field: filters.from == nil ? "to" : "from", reason: "the period may span at most 100 years (\(from) to \(to) is longer)")
        }
        let cohort = filters.cohort ?? Day(ordinal: from.ordinal + (to.ordinal - from.ordinal) / 2)
        let team = filters.team, program = filters.program
        let roster = try await store.teamNames()
        if let team, !(roster + [Roster.unassignedTeam]).contains(team) {
            throw DashboardFilters.Invalid(field: "team", reason: "is not a team of the roster: \(team)")
        }
        let proficiency = try await store.proficiencyReport(asOf: to.endMilliseconds, skill: nil, team: team)
        let catalog = proficiency?.catalog
        let programSkills: Set<String>?
        if let program {
            guard let known = catalog?.programs.first(where: { $0.id == program }) else {
                throw DashboardFilters.Invalid(field: "program", reason: "is not a program of the catalog: \(program)")
            }
            programSkills = Set(known.skills)
        } else {
            programSkills = nil
        }
        let outcomes = try await store.outcomes(
            program: program, from: from.startMilliseconds, to: to.endMilliseconds, windowDays: behaviorWindowDays, team: team)
        let knowledge = try await store.knowledgeRetention(skill: nil, minDays: KnowledgeRetention.defaultMinDays, team: team)
        var employees: EmployeeRetention?, curves: EmployeeSurvival?
        if cohort < to, let (_, everyone) = try await store.retentionMembers(program: program, from: cohort.endMilliseconds) {
            let members = everyone.filter { team == nil || ($0.team ?? Roster.unassignedTeam) == team }
            employees = EmployeeRetention.report(members: members, from: cohort.endMilliseconds, to: to.endMilliseconds, byTeam: false).first
            curves = EmployeeSurvival(members: members, from: cohort.endMilliseconds, to: to.endMilliseconds)
        }
        var compliance: [ProgramCompliance] = []
        if let catalog, let (_, people) = try await store.programCompletions(until: to.endMilliseconds) {
            compliance = catalog.programs.filter { $0.mode == .mandatory && (program == nil || $0.id == program) }
                .map { ProgramCompliance(program: $0, people: people, asOf: to, team: team) }
        }
        var trend: [(day: Day, rows: [ProficiencyRow])] = []
        let trendDays = Day.monthEnds(from: max(from, to.firstOfMonth(monthsBefore: 11)), to: to)
        if catalog != nil, let (_, reports) = try await store.proficiencyTrend(days: trendDays, skill: nil, team: team) {
            trend = zip(trendDays, reports).map { day, rows in
                (day, (team == nil ? ProficiencyReport.bySkill(rows) : rows).filter { programSkills?.contains($0.skill) ?? true })
            }
        }
        return DashboardReport(
            from: from, to: to, cohort: cohort, filters: filters, teams: roster + [Roster.unassignedTeam], catalog: catalog,
            hasRoster: !roster.isEmpty,
            volume: try await store.statementVolume(from: from, to: to, team: team, program: program),
            proficiency: (proficiency?.rows ?? []).filter { programSkills?.contains($0.skill) ?? true },
            outcomes: outcomes?.outcomes ?? [],
            knowledge: (knowledge?.rows ?? []).filter { programSkills?.contains($0.skill) ?? true },
            employees: employees, employeeCurves: curves, compliance: compliance, trend: trend)
    }

    /// The name the catalog gives `skill`, else its id.
    func skillName(_ skill: String) -> String {
        catalog?.skills.first { $0.id == skill }?.name ?? skill
    }
}
