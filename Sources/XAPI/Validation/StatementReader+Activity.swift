/// Activities and their definitions, including cmi.interaction details.
extension StatementReader {
    mutating func activity(_ value: JSONCursor) -> Activity? {
        guard object(value) else { return nil }
        var id: String?
        var definition: ActivityDefinition?
        var declaresObjectType = false
        let failuresBefore = failures
        for member in value.members {
            switch member.key {
            case "objectType":
                declaresObjectType = objectType(member.value, is: "Activity")
            case "id":
                id = at("id") { $0.iri(member.value) }
            case "definition":
                definition = at("definition") { $0.activityDefinition(member.value) }
            default:
                notAllowed(member.key, in: "an Activity")
            }
        }
        guard failures == failuresBefore else { return nil }
        guard let id else {
            missing("id")
            return nil
        }
        return Activity(id: id, definition: definition, declaresObjectType: declaresObjectType)
    }

    mutating func activityDefinition(_ value: JSONCursor) -> ActivityDefinition? {
        guard object(value) else { return nil }
        var definition = ActivityDefinition()
        let failuresBefore = failures
        var components: [(InteractionComponentList, [InteractionComponent])] = []
        for member in value.members {
            let item = member.value
            switch member.key {
            case "name": definition.name = at("name") { $0.languageMap(item) }
            case "description": definition.description = at("description") { $0.languageMap(item) }
            case "type": definition.type = at("type") { $0.iri(item) }
            case "moreInfo": definition.moreInfo = at("moreInfo") { $0.iri(item) }
            case "extensions": definition.extensions = at("extensions") { $0.extensions(item) }
            case "interactionType":
                definition.interactionType = at("interactionType") { reader in
                    guard let text = reader.string(item) else { return nil }
                    guard let type = InteractionType(rawValue: text) else {
                        let names = InteractionType.allCases.map(\.rawValue).joined(separator: ", ")
                        reader.fail("must be one of \(names), got \"\(text.clipped)\"")
                        return nil
                    }
                    return type
                }
            case "correctResponsesPattern":
                definition.correctResponsesPattern = at("correctResponsesPattern") { reader in
                    reader.array(item) { reader, element in reader.string(element) }
                }
            default:
                guard let list = InteractionComponentList(rawValue: member.key.string) else {
                    notAllowed(member.key, in: "an Activity definition")
                    continue
                }
                if let read = at(dynamic: member.key, { $0.interactionComponents(item) }) {
                    components.append((list, read))
                }
            }
        }
        guard failures == failuresBefore else { return nil }
        return interactionChecked(definition, components: components)
    }

    /// Applies the rules tying interaction properties to `interactionType`.
    private mutating func interactionChecked(
        _ definition: ActivityDefinition, components: [(InteractionComponentList, [InteractionComponent])]
    ) -> ActivityDefinition? {
        var definition = definition
        guard let type = definition.interactionType else {
            if definition.correctResponsesPattern != nil {
                at("correctResponsesPattern") { (reader: inout StatementReader) -> Void? in
                    reader.fail("is only allowed with an interactionType")
                    return nil
                }
                return nil
            }
            if let (list, _) = components.first {
                at(list.key) { (reader: inout StatementReader) -> Void? in
                    reader.fail("is only allowed with an interactionType")
                    return nil
                }
                return nil
            }
            return definition
        }
        for (list, items) in components {
            guard type.componentLists.contains(list) else {
                at(list.key) { (reader: inout StatementReader) -> Void? in
                    reader.fail("is not allowed for interactionType \"\(type.rawValue)\"")
                    return nil
                }
                return nil
            }
            switch list {
            case .choices: definition.choices = items
            case .scale: definition.scale = items
            case .source: definition.source = items
            case .target: definition.target = items
            case .steps: definition.steps = items
            }
        }
        return definition
    }

    mutating func interactionComponents(_ value: JSONCursor) -> [InteractionComponent]? {
        guard let components = array(value, { reader, element in reader.interactionComponent(element) }) else {
            return nil
        }
        var seen = Set<String>()
        for (index, component) in components.enumerated() where !seen.insert(component.id).inserted {
            at(index: index) { reader in
                reader.at("id") { (reader: inout StatementReader) -> Void? in
                    reader.fail("duplicates the id \"\(component.id.clipped)\" of another component")
                    return nil
                }
            }
            return nil
        }
        return components
    }

    mutating func interactionComponent(_ value: JSONCursor) -> InteractionComponent? {
        guard object(value) else { return nil }
        var id: String?
        var description: LanguageMap?
        let failuresBefore = failures
        for member in value.members {
            switch member.key {
            case "id":
                id = at("id") { $0.nonEmptyString(member.value) }
            case "description":
                description = at("description") { $0.languageMap(member.value) }
            default:
                notAllowed(member.key, in: "an interaction component")
            }
        }
        guard failures == failuresBefore else { return nil }
        guard let id else {
            missing("id")
            return nil
        }
        return InteractionComponent(id: id, description: description)
    }
}
