import Testing
@testable import TesseraAnalytics

/// Reading and writing the analytics catalog.
struct CatalogTests {
    static let valid = #"""
    {
      "skills": [
        {"id": "https://skills.example.com/sql", "name": "SQL", "activities": ["https://courses.example.com/sql-basics/exam"]},
        {"id": "https://skills.example.com/forklift", "name": "Forklift safety"}
      ],
      "skillCategoryPrefixes": ["https://skills.example.com/"],
      "programs": [
        {"id": "https://programs.example.com/data-analyst", "name": "Data analyst", "kind": "reskilling", "mode": "voluntary",
         "activities": ["https://courses.example.com/sql-basics", "https://courses.example.com/dashboards"],
         "skills": ["https://skills.example.com/sql"]}
      ],
      "behaviorVerbs": ["https://verbs.example.com/demonstrated"],
      "masteryScore": 0.75,
      "levels": [{"name": "novice", "min": 0}, {"name": "practitioner", "min": 0.6}, {"name": "expert", "min": 0.85}]
    }
    """#

    @Test func readsAValidCatalogAndKeepsDefaults() throws {
        let catalog = try Catalog.read(Array(Self.valid.utf8)).get()
        #expect(catalog.skills.map(\.name) == ["SQL", "Forklift safety"])
        #expect(catalog.skills[1].activities.isEmpty)
        #expect(catalog.programs[0].kind == .reskilling)
        #expect(catalog.programs[0].mode == .voluntary)
        #expect(catalog.assessmentVerbs == Catalog.defaultAssessmentVerbs, "verbs not given keep their defaults")
        #expect(catalog.completionVerbs == Catalog.defaultCompletionVerbs)
        #expect(catalog.masteryScore == 0.75)
        #expect(catalog.level(of: 0.59)?.name == "novice")
        #expect(catalog.level(of: 0.6)?.name == "practitioner")
        #expect(catalog.level(of: 0.99)?.name == "expert")
        #expect(catalog.level(of: -0.2) == nil, "a score below every level's minimum is in no level")
        // Its JSON reads back to the same catalog.
        #expect(try Catalog.read(catalog.json()).get() == catalog)
    }

    @Test func reportsEveryProblemWithItsPath() {
        let text = #"""
        {"skills": [{"id": "not an iri", "name": ""}, {"id": "https://s.example.com/a", "name": "A"}, {"id": "https://s.example.com/a", "name": "A again"}],
         "programs": [{"id": "https://p.example.com/1", "name": "P", "kind": "sideskilling", "mode": "voluntary", "activities": []},
                      {"id": "https://p.example.com/2", "name": "Q", "kind": "upskilling"}],
         "masteryScore": 1.5, "levels": [{"name": "b", "min": 0.5}, {"name": "a", "min": 0.2}], "colour": "blue"}
        """#
        guard case .failure(let error) = Catalog.read(Array(text.utf8)) else {
            Issue.record("an invalid catalog was accepted")
            return
        }
        let paths = Set(error.problems.map(\.path))
        for expected in [
            "catalog.skills[0].id", "catalog.skills[0].name", "catalog.skills[2].id", "catalog.programs[0].kind",
            "catalog.programs[0].activities", "catalog.programs[1].mode", "catalog.programs[1].activities",
            "catalog.masteryScore", "catalog.levels[1].min", "catalog.colour",
        ] {
            #expect(paths.contains(expected), "\(expected) in \(error.problems)")
        }
        #expect(error.problems.first { $0.path == "catalog.programs[0].kind" }?.message.contains("upskilling or reskilling") == true)
    }

    @Test func rejectsWhatIsNotACatalogObject() {
        for text in ["", "[]", "{\"skills\": {}}", "{\"levels\": [{\"name\": \"x\"}]}"] {
            #expect((try? Catalog.read(Array(text.utf8)).get()) == nil, "\(text)")
        }
    }
}
