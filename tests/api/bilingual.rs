//! Bilingual content: texts in other languages written with their record (create and
//! update), read by `lang` or `Accept-Language` with the fallback order, audited, as
//! private as their record, loaded in one statement per level; enum labels in English
//! and Chinese; the demo's Chinese names and titles.
use crate::helpers::{Backend, TestApp, error, gid, on_both, world};
use base64::Engine;
use serde_json::{Value, json};

const CREATE_EVENT: &str =
    "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id version } } }";
const UPDATE_EVENT: &str =
    "mutation($i: UpdateEventInput!) { updateEvent(input: $i) { event { id version } } }";
const CREATE_AGREEMENT: &str =
    "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }";

/// A request with an `Accept-Language` header: (status, body).
async fn post_in(
    app: &TestApp,
    languages: &str,
    query: &str,
    variables: Value,
) -> (reqwest::StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("accept-language", languages)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// The `data` of a request with an `Accept-Language` header that must succeed.
async fn data_in(app: &TestApp, languages: &str, query: &str, variables: Value) -> Value {
    let (status, body) = post_in(app, languages, query, variables).await;
    assert!(
        status.is_success() && body.get("errors").is_none(),
        "{status}: {body:#}"
    );
    body["data"].clone()
}

fn event_input(title: &str, visibility: &str, translations: Value) -> Value {
    json!({ "i": { "kind": "SYMPOSIUM", "status": "HELD", "format": "ONSITE", "title": title,
        "description": "Heads of international offices met.", "startDate": "2023-05-05",
        "visibility": visibility, "translations": translations } })
}

on_both! {
    async fn texts_are_written_with_their_record_and_read_by_language(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let created = app.data_as(Some(&w.editor_a), CREATE_EVENT, event_input("Symposium", "PUBLIC", json!([
            { "field": "title", "lang": "zh", "text": "座谈会" },
            { "field": "description", "lang": "ZH-hant", "text": "國際事務負責人座談。" },
        ]))).await["createEvent"]["event"].clone();
        let id = created["id"].as_str().unwrap().to_owned();
        let read = "query($id: ID!, $lang: String) { node(id: $id) { ... on Event {
            title(lang: $lang) description(lang: $lang) theme(lang: $lang) } } }";
        let read_as = |lang: Option<&str>| app.data(read, json!({ "id": id, "lang": lang }));
        // Exactly the language asked for, its shorter forms, then any of its language.
        let zh = read_as(Some("zh")).await["node"].clone();
        assert_eq!(zh, json!({ "title": "座谈会", "description": "國際事務負責人座談。", "theme": null }));
        let zh_cn = read_as(Some("zh-CN")).await["node"].clone();
        assert_eq!(zh_cn["title"], "座谈会", "zh-CN falls back to zh");
        let zh_tw = read_as(Some("zh-Hant-TW")).await["node"].clone();
        assert_eq!(zh_tw["description"], "國際事務負責人座談。", "zh-Hant-TW finds zh-Hant");
        // English is the record's own text; an unknown language falls back to it.
        let english = json!({ "title": "Symposium", "description": "Heads of international offices met.", "theme": null });
        assert_eq!(read_as(Some("en")).await["node"], english);
        assert_eq!(read_as(Some("fr")).await["node"], english);
        assert_eq!(read_as(None).await["node"], english, "no lang, no header: English");

        // Without `lang`, the request's Accept-Language decides, by quality.
        let plain = "query($id: ID!) { node(id: $id) { ... on Event { title description } } }";
        let v = json!({ "id": id });
        let chinese = data_in(app, "zh-CN,zh;q=0.9,en;q=0.8", plain, v.clone()).await;
        assert_eq!(chinese["node"]["title"], "座谈会");
        let english_first = data_in(app, "zh;q=0.5, en", plain, v.clone()).await;
        assert_eq!(english_first["node"]["title"], "Symposium");
        let unknown = data_in(app, "fr-CA, de;q=0.7", plain, v.clone()).await;
        assert_eq!(unknown["node"]["title"], "Symposium", "no French text: English");
        // An explicit `lang` wins over the header.
        let explicit = data_in(app, "zh", "query($id: ID!) { node(id: $id) { ... on Event { title(lang: \"en\") } } }", v.clone()).await;
        assert_eq!(explicit["node"]["title"], "Symposium");

        // Every form, English first.
        let forms = app.data("query($id: ID!) { node(id: $id) { ... on Event { translations { field lang text } } } }", v.clone()).await;
        assert_eq!(forms["node"]["translations"], json!([
            { "field": "title", "lang": "en", "text": "Symposium" },
            { "field": "title", "lang": "zh", "text": "座谈会" },
            { "field": "description", "lang": "en", "text": "Heads of international offices met." },
            { "field": "description", "lang": "zh-Hant", "text": "國際事務負責人座談。" },
        ]));
        let one = app.data("query($id: ID!) { node(id: $id) { ... on Event { translations(field: \"title\") { lang } } } }", v.clone()).await;
        assert_eq!(one["node"]["translations"], json!([{ "lang": "en" }, { "lang": "zh" }]));

        // An update's list replaces the texts: the new title, and no description in Chinese.
        let updated = app.data_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "i": { "id": id, "expectedVersion": 1,
            "translations": [{ "field": "title", "lang": "zh", "text": "深圳高校国际合作交流座谈会" }] } })).await;
        assert_eq!(updated["updateEvent"]["event"]["version"], 2);
        let after = read_as(Some("zh")).await["node"].clone();
        assert_eq!(after["title"], "深圳高校国际合作交流座谈会");
        assert_eq!(after["description"], "Heads of international offices met.", "its Chinese text went");
        // An update without `translations` leaves them.
        app.data_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "i": { "id": id, "expectedVersion": 2, "title": "Shenzhen symposium" } })).await;
        let kept = read_as(Some("zh")).await["node"].clone();
        assert_eq!(kept["title"], "深圳高校国际合作交流座谈会");
        assert_eq!(read_as(Some("en")).await["node"]["title"], "Shenzhen symposium");

        // The audit log shows the texts before and after, under `translations`.
        let log = "query($f: AuditFilter) { auditLog(filter: $f) { nodes { operation changes { field before after } } } }";
        let entries = app.data_as(Some(&w.editor_a), log, json!({ "f": { "record": id } })).await["auditLog"]["nodes"].clone();
        let entries = entries.as_array().unwrap();
        assert_eq!(entries.len(), 3, "{entries:?}");
        let change = |entry: &Value, field: &str| entry["changes"].as_array().unwrap().iter()
            .find(|c| c["field"] == field).cloned();
        let retitled = entries.iter().find(|e| change(e, "translations").is_some() && e["operation"] == "updateEvent")
            .expect("the update of the texts");
        let texts = change(retitled, "translations").unwrap();
        assert_eq!(texts["before"], json!([
            { "field": "description", "lang": "zh-Hant", "text": "國際事務負責人座談。" },
            { "field": "title", "lang": "zh", "text": "座谈会" },
        ]));
        assert_eq!(texts["after"], json!([{ "field": "title", "lang": "zh", "text": "深圳高校国际合作交流座谈会" }]));
        let created_entry = entries.iter().find(|e| e["operation"] == "createEvent").unwrap();
        assert_eq!(change(created_entry, "translations").unwrap()["after"].as_array().unwrap().len(), 2);
        let untouched = entries.iter().filter(|e| e["operation"] == "updateEvent")
            .find(|e| change(e, "title").is_some()).unwrap();
        assert!(change(untouched, "translations").is_none(), "{untouched}");
    }

    async fn presentation_titles_are_translated_and_replaced_with_their_programme(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let talk = |title: &str, zh: &str| json!({ "title": title, "translations": [{ "field": "title", "lang": "zh", "text": zh }] });
        let mut input = event_input("Programme", "PUBLIC", json!([]));
        input["i"]["presentations"] = json!([talk("Opening", "开幕致辞"), talk("Closing", "闭幕总结")]);
        let id = app.data_as(Some(&w.editor_a), CREATE_EVENT, input).await["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
        let programme = "query($id: ID!) { node(id: $id) { ... on Event { presentations { zh: title(lang: \"zh\") en: title translations { lang text } } } } }";
        let read = app.data(programme, json!({ "id": id })).await;
        assert_eq!(read["node"]["presentations"][0], json!({ "zh": "开幕致辞", "en": "Opening",
            "translations": [{ "lang": "en", "text": "Opening" }, { "lang": "zh", "text": "开幕致辞" }] }));
        let by_header = data_in(app, "zh-CN", "query($id: ID!) { node(id: $id) { ... on Event { presentations { title } } } }", json!({ "id": id })).await;
        assert_eq!(by_header["node"]["presentations"][1]["title"], "闭幕总结");
        // A new programme replaces the old one's texts with its own.
        let set = "mutation($i: SetEventPresentationsInput!) { setEventPresentations(input: $i) { event { version } } }";
        app.data_as(Some(&w.editor_a), set, json!({ "i": { "id": id, "expectedVersion": 1,
            "presentations": [talk("Keynote", "主旨报告"), { "title": "Panel" }] } })).await;
        let read = app.data(programme, json!({ "id": id })).await;
        let titles: Vec<&Value> = read["node"]["presentations"].as_array().unwrap().iter().map(|p| &p["zh"]).collect();
        assert_eq!(titles, [&json!("主旨报告"), &json!("Panel")]);
        let stored = {
            use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
            use service::entity::translation;
            translation::Entity::find().filter(translation::Column::RecordType.eq("presentation"))
                .count(&app.db.connection).await.unwrap()
        };
        assert_eq!(stored, 1, "the old programme's texts went with it");
        // Checked like a record's own texts, at the part's path.
        let (_, body) = app.post_as(Some(&w.editor_a), set, json!({ "i": { "id": id, "expectedVersion": 2,
            "presentations": [{ "title": "Panel", "translations": [{ "field": "title", "lang": "z", "text": "座谈" }] }] } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.presentations.0.translations.0.lang".to_owned())), "{body}");
    }

    async fn outcome_descriptions_are_translated_replaced_and_audited(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let outcome = |en: &str, zh: &str| json!({ "description": en, "translations": [{ "field": "description", "lang": "zh", "text": zh }] });
        let mut input = event_input("Outcomes", "PUBLIC", json!([]));
        input["i"]["outcomes"] = json!([outcome("Certificates awarded", "颁发证书"), { "description": "A joint call" }]);
        let id = app.data_as(Some(&w.editor_a), CREATE_EVENT, input).await["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
        let read = "query($id: ID!) { node(id: $id) { ... on Event { outcomes { zh: description(lang: \"zh-CN\") en: description translations { lang text } } } } }";
        let data = app.data(read, json!({ "id": id })).await;
        assert_eq!(data["node"]["outcomes"], json!([
            { "zh": "颁发证书", "en": "Certificates awarded",
              "translations": [{ "lang": "en", "text": "Certificates awarded" }, { "lang": "zh", "text": "颁发证书" }] },
            { "zh": "A joint call", "en": "A joint call", "translations": [{ "lang": "en", "text": "A joint call" }] },
        ]));
        let by_header = data_in(app, "zh-CN,zh;q=0.9,en;q=0.8", "query($id: ID!) { node(id: $id) { ... on Event { outcomes { description } } } }", json!({ "id": id })).await;
        assert_eq!(by_header["node"]["outcomes"][0]["description"], "颁发证书");
        let unknown = data_in(app, "fr", "query($id: ID!) { node(id: $id) { ... on Event { outcomes { description } } } }", json!({ "id": id })).await;
        assert_eq!(unknown["node"]["outcomes"][0]["description"], "Certificates awarded");
        // A new list replaces the old one's texts with its own.
        let set = "mutation($i: SetEventOutcomesInput!) { setEventOutcomes(input: $i) { event { version } } }";
        app.data_as(Some(&w.editor_a), set, json!({ "i": { "id": id, "expectedVersion": 1,
            "outcomes": [outcome("A memorandum", "一份备忘录")] } })).await;
        let data = app.data(read, json!({ "id": id })).await;
        assert_eq!(data["node"]["outcomes"].as_array().unwrap().iter().map(|o| o["zh"].clone()).collect::<Vec<_>>(), [json!("一份备忘录")]);
        let stored = {
            use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
            use service::entity::translation;
            translation::Entity::find().filter(translation::Column::RecordType.eq("event_outcome"))
                .count(&app.db.connection).await.unwrap()
        };
        assert_eq!(stored, 1, "the old outcomes' texts went with them");
        // The audit entry of the change shows the texts before and after.
        let log = "query($f: AuditFilter) { auditLog(filter: $f) { nodes { operation changes { field before after } } } }";
        let entries = app.data_as(Some(&w.editor_a), log, json!({ "f": { "record": id } })).await["auditLog"]["nodes"].clone();
        let set_entry = entries.as_array().unwrap().iter().find(|e| e["operation"] == "setEventOutcomes").expect("the change is audited");
        let changed = set_entry["changes"].to_string();
        assert!(changed.contains("颁发证书") && changed.contains("一份备忘录"), "{set_entry}");
        // Checked like a record's own texts, at the part's path.
        let (_, body) = app.post_as(Some(&w.editor_a), set, json!({ "i": { "id": id, "expectedVersion": 2,
            "outcomes": [{ "description": "Visit", "translations": [{ "field": "title", "lang": "zh", "text": "访问" }] }] } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.outcomes.0.translations.0.field".to_owned())), "{body}");
        // A private event's outcomes are not readable by others, in any language.
        let mut private = event_input("Closed", "PRIVATE", json!([]));
        private["i"]["outcomes"] = json!([outcome("Secret", "机密")]);
        let hidden = app.data_as(Some(&w.editor_a), CREATE_EVENT, private).await["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
        let other = app.data_as(Some(&w.editor_b), read, json!({ "id": hidden })).await;
        assert_eq!(other["node"], Value::Null);
        let own = app.data_as(Some(&w.editor_a), read, json!({ "id": hidden })).await;
        assert_eq!(own["node"]["outcomes"][0]["zh"], "机密");
    }

    async fn participant_titles_are_translated_and_kept_through_additions(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let people = app.data("{ people(first: 10) { nodes { id familyName } } }", json!({})).await;
        let person = |family: &str| people["people"]["nodes"].as_array().unwrap().iter()
            .find(|p| p["familyName"] == family).unwrap()["id"].as_str().unwrap().to_owned();
        let (wang, somchai) = (person("WANG"), person("Somchai"));
        let mut input = event_input("Forum", "PUBLIC", json!([]));
        input["i"]["participants"] = json!([{ "person": wang, "role": "SPEAKER", "title": "Vice President",
            "translations": [{ "field": "title", "lang": "zh", "text": "副校长" }] }]);
        let id = app.data_as(Some(&w.editor_a), CREATE_EVENT, input).await["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
        let read = "query($id: ID!) { node(id: $id) { ... on Event { version participants { zh: title(lang: \"zh\") en: title } } } }";
        let before = app.data(read, json!({ "id": id })).await;
        assert_eq!(before["node"]["participants"], json!([{ "zh": "副校长", "en": "Vice President" }]));
        // Adding a participant rewrites the list: the first one's Chinese title stays.
        let add = "mutation($i: AddEventParticipantInput!) { addEventParticipant(input: $i) { event { version } } }";
        app.data_as(Some(&w.editor_a), add, json!({ "i": { "id": id, "expectedVersion": before["node"]["version"],
            "participant": { "person": somchai, "role": "SPEAKER", "title": "Rector" } } })).await;
        let after = app.data(read, json!({ "id": id })).await;
        assert_eq!(after["node"]["participants"], json!([{ "zh": "副校长", "en": "Vice President" }, { "zh": "Rector", "en": "Rector" }]));
        let header = data_in(app, "zh-CN,zh;q=0.9,en;q=0.8", "query($id: ID!) { node(id: $id) { ... on Event { participants { title translations { lang text } } } } }", json!({ "id": id })).await;
        assert_eq!(header["node"]["participants"][0], json!({ "title": "副校长",
            "translations": [{ "lang": "en", "text": "Vice President" }, { "lang": "zh", "text": "副校长" }] }));
        // The audit entry of the addition carries the texts with the parts.
        let log = "query($f: AuditFilter) { auditLog(filter: $f) { nodes { operation changes { field before after } } } }";
        let entries = app.data_as(Some(&w.editor_a), log, json!({ "f": { "record": id } })).await["auditLog"]["nodes"].clone();
        let created = entries.as_array().unwrap().iter().find(|e| e["operation"] == "createEvent").unwrap();
        assert!(created["changes"].to_string().contains("副校长"), "{created}");
        // Checked at the part's path.
        let set = "mutation($i: SetEventParticipantsInput!) { setEventParticipants(input: $i) { event { version } } }";
        let (_, body) = app.post_as(Some(&w.editor_a), set, json!({ "i": { "id": id, "expectedVersion": 2,
            "participants": [{ "person": wang, "role": "SPEAKER", "translations": [{ "field": "title", "lang": "zh", "text": " " }] }] } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.participants.0.translations.0.text".to_owned())), "{body}");
    }

    async fn affiliation_titles_are_translated_replaced_and_audited(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let create = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id version } } }";
        let held = |en: &str, zh: &str| json!({ "organisation": gid("Organisation", w.alpha), "title": en,
            "translations": [{ "field": "title", "lang": "zh", "text": zh }] });
        let person = app.data_as(Some(&w.editor_a), create, json!({ "i": { "familyName": "LI",
            "affiliations": [held("Dean", "院长")] } })).await["createPerson"]["person"].clone();
        let id = person["id"].as_str().unwrap().to_owned();
        let read = "query($id: ID!) { node(id: $id) { ... on Person { version affiliations { zh: title(lang: \"zh-Hans\") en: title(lang: \"en\") } } } }";
        let data = app.data(read, json!({ "id": id })).await;
        assert_eq!(data["node"]["affiliations"], json!([{ "zh": "院长", "en": "Dean" }]));
        let by_header = data_in(app, "zh-CN,zh;q=0.9,en;q=0.8", "query($id: ID!) { node(id: $id) { ... on Person { affiliations { title } } } }", json!({ "id": id })).await;
        assert_eq!(by_header["node"]["affiliations"][0]["title"], "院长");
        let set = "mutation($i: SetAffiliationsInput!) { setAffiliations(input: $i) { person { version } } }";
        app.data_as(Some(&w.editor_a), set, json!({ "i": { "id": id, "expectedVersion": person["version"],
            "affiliations": [held("Vice President", "副校长"), { "organisation": gid("Organisation", w.beta), "title": "Adviser" }] } })).await;
        let data = app.data(read, json!({ "id": id })).await;
        assert_eq!(data["node"]["affiliations"], json!([{ "zh": "副校长", "en": "Vice President" }, { "zh": "Adviser", "en": "Adviser" }]));
        let stored = {
            use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
            use service::entity::translation;
            translation::Entity::find().filter(translation::Column::RecordType.eq("affiliation"))
                .count(&app.db.connection).await.unwrap()
        };
        assert_eq!(stored, 1, "the old affiliation's text went with it");
        let log = "query($f: AuditFilter) { auditLog(filter: $f) { nodes { operation changes { field before after } } } }";
        let entries = app.data_as(Some(&w.coordinator), log, json!({ "f": { "record": id } })).await["auditLog"]["nodes"].clone();
        let entry = entries.as_array().unwrap().iter().find(|e| e["operation"] == "setAffiliations").expect("the change is audited");
        let change = &entry["changes"][0];
        assert_eq!(change["field"], "affiliations", "{entry}");
        assert_eq!(change["before"][0]["translations"], json!([{ "field": "title", "lang": "zh", "text": "院长" }]), "{entry}");
        assert_eq!(change["after"][0]["translations"], json!([{ "field": "title", "lang": "zh", "text": "副校长" }]), "{entry}");
        assert_eq!(change["after"][1]["title"], "Adviser", "{entry}");
        let (_, body) = app.post_as(Some(&w.editor_a), set, json!({ "i": { "id": id, "expectedVersion": data["node"]["version"],
            "affiliations": [{ "organisation": gid("Organisation", w.alpha), "title": "Dean",
                "translations": [{ "field": "title", "lang": "zh_CN", "text": "院长" }] }] } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.affiliations.0.translations.0.lang".to_owned())), "{body}");
    }

    async fn signatory_titles_are_translated_and_kept_through_additions(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let people = app.data("{ people(first: 10) { nodes { id familyName } } }", json!({})).await;
        let person = |family: &str| people["people"]["nodes"].as_array().unwrap().iter()
            .find(|p| p["familyName"] == family).unwrap()["id"].as_str().unwrap().to_owned();
        let (wang, somchai) = (person("WANG"), person("Somchai"));
        let id = app.data_as(Some(&w.editor_a), CREATE_AGREEMENT, json!({ "i": { "kind": "MOU", "status": "DRAFT", "visibility": "PUBLIC",
            "title": "Signed MoU", "parties": [{ "organisation": gid("Organisation", w.alpha) }],
            "people": [{ "person": wang, "role": "SIGNATORY", "title": "President",
                "translations": [{ "field": "title", "lang": "zh", "text": "校长" }] }] } })).await
            ["createAgreement"]["agreement"]["id"].as_str().unwrap().to_owned();
        let read = "query($id: ID!) { node(id: $id) { ... on Agreement { version signatories { zh: title(lang: \"zh\") en: title } } } }";
        let before = app.data(read, json!({ "id": id })).await;
        assert_eq!(before["node"]["signatories"], json!([{ "zh": "校长", "en": "President" }]));
        // Adding a signatory rewrites the list: the first one's Chinese title stays.
        let add = "mutation($i: AddAgreementPersonInput!) { addAgreementPerson(input: $i) { agreement { version } } }";
        app.data_as(Some(&w.editor_a), add, json!({ "i": { "id": id, "expectedVersion": before["node"]["version"],
            "person": { "person": somchai, "role": "SIGNATORY", "title": "Rector" } } })).await;
        let after = app.data(read, json!({ "id": id })).await;
        assert_eq!(after["node"]["signatories"], json!([{ "zh": "校长", "en": "President" }, { "zh": "Rector", "en": "Rector" }]));
        let header = data_in(app, "zh-CN", "query($id: ID!) { node(id: $id) { ... on Agreement { signatories { title translations { lang text } } } } }", json!({ "id": id })).await;
        assert_eq!(header["node"]["signatories"][0], json!({ "title": "校长",
            "translations": [{ "lang": "en", "text": "President" }, { "lang": "zh", "text": "校长" }] }));
    }

    async fn bad_texts_are_refused_naming_the_field(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let refused = |translations: Value| {
            let (token, variables) = (w.editor_a.clone(), event_input("Zephyr gathering", "PUBLIC", translations));
            async move { error(&app.post_as(Some(&token), CREATE_EVENT, variables).await.1) }
        };
        let bad = |field: &str| ("BAD_USER_INPUT".to_owned(), Some(field.to_owned()));
        assert_eq!(refused(json!([{ "field": "title", "lang": "zh", "text": "论坛" },
            { "field": "title", "lang": "chinese!", "text": "论坛" }])).await, bad("input.translations.1.lang"));
        assert_eq!(refused(json!([{ "field": "title", "lang": "zh_CN", "text": "论坛" }])).await, bad("input.translations.0.lang"));
        assert_eq!(refused(json!([{ "field": "venue", "lang": "zh", "text": "礼堂" }])).await, bad("input.translations.0.field"));
        assert_eq!(refused(json!([{ "field": "title", "lang": "zh", "text": "   " }])).await, bad("input.translations.0.text"));
        assert_eq!(refused(json!([{ "field": "title", "lang": "en", "text": "Forum" }])).await, bad("input.translations.0.lang"));
        assert_eq!(refused(json!([{ "field": "title", "lang": "zh", "text": "一" },
            { "field": "title", "lang": "ZH", "text": "二" }])).await, bad("input.translations.1"));
        // Nothing was written by any of them.
        let listed = app.data("{ events(filter: { search: \"Zephyr\" }) { totalCount } }", json!({})).await;
        assert_eq!(listed["events"]["totalCount"], 0);
        // A read's `lang` is checked too, and so is a `translations(field:)` name.
        let (_, body) = app.post_as(None, "{ events(first: 1) { nodes { title(lang: \"not a tag\") } } }", json!({})).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "lang", "{body}");
        let (_, body) = app.post_as(None, "{ events(first: 1) { nodes { translations(field: \"venue\") { text } } } }", json!({})).await;
        assert_eq!(error(&body), bad("field"), "{body}");
        // An update is checked the same way, and leaves the record as it was.
        let id = app.data_as(Some(&w.editor_a), CREATE_EVENT, event_input("Kept", "PUBLIC", json!([]))).await
            ["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
        let (_, body) = app.post_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "i": { "id": id, "expectedVersion": 1, "title": "Changed",
            "translations": [{ "field": "theme", "lang": "zh-", "text": "主题" }] } })).await;
        assert_eq!(error(&body), bad("input.translations.0.lang"), "{body}");
        let now = app.data("query($id: ID!) { node(id: $id) { ... on Event { title version } } }", json!({ "id": id })).await;
        assert_eq!(now["node"], json!({ "title": "Kept", "version": 1 }));
    }

    async fn a_private_records_texts_are_as_private_as_it(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let secret = "绝密协议标题";
        let input = |visibility: &str, title: &str| json!({ "i": { "kind": "MOU", "status": "DRAFT", "visibility": visibility,
            "title": title, "parties": [{ "organisation": gid("Organisation", w.alpha) }],
            "translations": [{ "field": "title", "lang": "zh", "text": secret }, { "field": "description", "lang": "zh", "text": secret }] } });
        let private = app.data_as(Some(&w.editor_a), CREATE_AGREEMENT, input("PRIVATE", "Private MoU")).await
            ["createAgreement"]["agreement"]["id"].as_str().unwrap().to_owned();
        let shared = app.data_as(Some(&w.editor_a), CREATE_AGREEMENT, input("CONSORTIUM", "Shared MoU")).await
            ["createAgreement"]["agreement"]["id"].as_str().unwrap().to_owned();
        let by_id = "query($id: ID!) { node(id: $id) { ... on Agreement { title(lang: \"zh\") translations { text } } } }";
        let listed = r#"{ agreements(first: 100) { nodes { title(lang: "zh") description(lang: "zh") translations { text } } } }"#;
        // The owner reads both, in Chinese.
        let own = app.data_as(Some(&w.editor_a), by_id, json!({ "id": private })).await;
        assert_eq!(own["node"]["title"], secret);
        // A consortium peer reads the shared one, never the private one.
        let peer = app.data_as(Some(&w.editor_b), by_id, json!({ "id": private })).await;
        assert_eq!(peer["node"], Value::Null);
        let peer_shared = app.data_as(Some(&w.editor_b), by_id, json!({ "id": shared })).await;
        assert_eq!(peer_shared["node"]["title"], secret);
        // Anonymous callers read neither, by id, in a list or by header.
        for id in [&private, &shared] {
            let anonymous = app.data_as(None, by_id, json!({ "id": id })).await;
            assert_eq!(anonymous["node"], Value::Null);
        }
        for (token, visible) in [(None, 0), (Some(w.editor_b.as_str()), 1)] {
            let (_, body) = app.post_as(token, listed, json!({})).await;
            assert!(body.get("errors").is_none(), "{body}");
            let text = body.to_string();
            // Title and description in Chinese, and both among the record's forms.
            assert_eq!(text.matches(secret).count(), visible * 4, "{body}");
        }
        let (_, body) = post_in(app, "zh", "{ agreements(first: 100) { nodes { title description } } }", json!({})).await;
        assert!(!body.to_string().contains(secret), "{body}");
    }

    async fn enum_values_have_english_and_chinese_labels(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let labels = "query($e: String!, $lang: String) { enumLabels(enum: $e, lang: $lang) { value label lang } }";
        let status = |lang: Option<&str>| app.data(labels, json!({ "e": "AgreementStatus", "lang": lang }));
        let zh = status(Some("zh-CN")).await["enumLabels"].clone();
        assert_eq!(zh.as_array().unwrap().len(), 7);
        assert_eq!(zh[2], json!({ "value": "IN_EFFECT", "label": "生效中", "lang": "zh" }));
        let en = status(Some("en")).await["enumLabels"].clone();
        assert_eq!(en[2], json!({ "value": "IN_EFFECT", "label": "In effect", "lang": "en" }));
        assert_eq!(status(Some("fr")).await["enumLabels"], en, "no French labels: English");
        assert_eq!(status(None).await["enumLabels"], en);
        // By the header when no `lang` is given; the first of English and Chinese wins.
        let kinds = "{ enumLabels(enum: \"EventKind\") { value label } }";
        let by_header = data_in(&app, "fr;q=1, zh-Hant;q=0.9, en;q=0.5", kinds, json!({})).await;
        assert_eq!(by_header["enumLabels"][0], json!({ "value": "SYMPOSIUM", "label": "座谈会" }));
        let english = data_in(&app, "en-GB, zh;q=0.9", kinds, json!({})).await;
        assert_eq!(english["enumLabels"][0], json!({ "value": "SYMPOSIUM", "label": "Symposium" }));
        // The labels name the schema's own values, in its order.
        let visibility = app.data(labels, json!({ "e": "Visibility", "lang": "zh" })).await;
        let values: Vec<&str> = visibility["enumLabels"].as_array().unwrap().iter().map(|l| l["value"].as_str().unwrap()).collect();
        assert_eq!(values, ["PRIVATE", "CONSORTIUM", "PUBLIC"]);
        assert_eq!(app.error(labels, json!({ "e": "Nonsense" })).await, ("BAD_USER_INPUT".to_owned(), Some("enum".to_owned())));
        assert_eq!(app.error(labels, json!({ "e": "Role", "lang": "??" })).await, ("BAD_USER_INPUT".to_owned(), Some("lang".to_owned())));
    }

    async fn the_demo_answers_in_chinese(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let names = "{ organisations(first: 100) { nodes { abbreviation nameEn zh: name(lang: \"zh\") en: name(lang: \"en\") } } }";
        let data = app.data(names, json!({})).await;
        let found: std::collections::HashMap<String, (String, String)> = data["organisations"]["nodes"].as_array().unwrap().iter()
            .map(|n| (n["nameEn"].as_str().unwrap().to_owned(), (n["zh"].as_str().unwrap().to_owned(), n["en"].as_str().unwrap().to_owned())))
            .collect();
        for (english, chinese) in [
            ("Southern University of Science and Technology", "南方科技大学"),
            ("Shenzhen Polytechnic University", "深圳职业技术大学"),
            ("Shanghai Polytechnic University", "上海第二工业大学"),
            ("University of Science and Technology Beijing", "北京科技大学"),
            ("China University of Mining and Technology, Beijing", "中国矿业大学（北京）"),
            ("International Centre for Higher Education Innovation under the Auspices of UNESCO", "联合国教科文组织高等教育创新中心"),
            ("King's College London", "伦敦国王学院"),
            ("University of Ruse", "鲁塞大学"),
        ] {
            let (zh, en) = found.get(english).unwrap_or_else(|| panic!("no {english} in {found:?}"));
            assert_eq!((zh.as_str(), en.as_str()), (chinese, english));
        }
        // A signatory's title, as the demo gives it in Chinese.
        let signed = data_in(&app, "zh-CN", "{ agreements(first: 50) { nodes { signatories { title person { familyName } } } } }", json!({})).await;
        let xie: Vec<&Value> = signed["agreements"]["nodes"].as_array().unwrap().iter()
            .flat_map(|a| a["signatories"].as_array().unwrap()).filter(|s| s["person"]["familyName"] == "XIE").collect();
        assert!(!xie.is_empty() && xie.iter().all(|s| s["title"] == "校长"), "{xie:?}");
        // Another language's name comes from the further names; none in it is English.
        let ruse = "query($lang: String) { organisations(filter: { search: \"Ruse\" }) { nodes { name(lang: $lang) } } }";
        let bg = app.data(ruse, json!({ "lang": "bg" })).await;
        assert_eq!(bg["organisations"]["nodes"][0]["name"], "Русенски университет „Ангел Кънчев“");
        let fr = app.data(ruse, json!({ "lang": "fr" })).await;
        assert_eq!(fr["organisations"]["nodes"][0]["name"], "University of Ruse");
        // Event and agreement titles, by the header a Chinese browser sends.
        let events = "{ events(orderBy: { field: START_DATE }) { nodes { title startDate } } agreements(filter: { kinds: [JOINT_SCHOOL] }) { nodes { title } } }";
        let zh = data_in(&app, "zh-CN,zh;q=0.9,en;q=0.8", events, json!({})).await;
        let symposium = zh["events"]["nodes"].as_array().unwrap().iter().find(|e| e["startDate"] == "2023-05-05").unwrap();
        assert_eq!(symposium["title"], "深圳高校国际合作交流座谈会");
        assert_eq!(zh["agreements"]["nodes"][0]["title"], "南方科技大学-伦敦国王学院医学院");
        let en = app.data(events, json!({})).await;
        let symposium = en["events"]["nodes"].as_array().unwrap().iter().find(|e| e["startDate"] == "2023-05-05").unwrap();
        assert_eq!(symposium["title"], "Symposium on International Cooperation of Colleges and Universities in Shenzhen");
        // Reference data: a field of education and a country.
        let medicine = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("FieldOfEducation:0912");
        let field = app.data("query($id: ID!) { node(id: $id) { ... on FieldOfEducation { nameEn name(lang: \"zh\") parent { name(lang: \"zh\") } } } }",
            json!({ "id": medicine })).await;
        assert_eq!(field["node"], json!({ "nameEn": "Medicine", "name": "医学", "parent": { "name": "卫生" } }));
        let country = data_in(&app, "zh", "{ countries(filter: { codes: [\"BG\"] }) { nodes { name nameEn } } }", json!({})).await;
        assert_eq!(country["countries"]["nodes"][0], json!({ "name": "保加利亚", "nameEn": "Bulgaria" }));
    }

    async fn texts_cost_one_statement_whatever_the_page_size(backend: Backend) {
        let events: Vec<Value> = (0..40).map(|i| json!({
            "key": format!("e{i}"), "owner": "host", "kind": "MEETING", "status": "HELD", "format": "ONSITE",
            "title": format!("Meeting {i:02}"), "description": "Minutes", "startDate": "2024-01-01",
            "translations": [{ "field": "title", "lang": "zh", "text": format!("会议{i:02}") },
                             { "field": "description", "lang": "zh", "text": "纪要" }],
            "presentations": [{ "title": format!("Talk {i}"), "translations": [{ "field": "title", "lang": "zh", "text": format!("报告{i}") }] }],
            "outcomes": [{ "description": format!("Outcome {i}"), "translations": [{ "field": "description", "lang": "zh", "text": format!("成果{i}") }] }],
            "participants": [{ "person": "p", "role": "SPEAKER", "title": "Dean", "translations": [{ "field": "title", "lang": "zh", "text": format!("院长{i}") }] }],
        })).collect();
        let agreements: Vec<Value> = (0..40).map(|i| json!({
            "key": format!("a{i}"), "owner": "host", "kind": "MOU", "status": "DRAFT", "title": format!("MoU {i:02}"),
            "signedAt": format!("e{i}"), "fields": ["0912"],
            "translations": [{ "field": "title", "lang": "zh", "text": format!("备忘录{i:02}") }],
        })).collect();
        let fixture = json!({ "organisations": [{ "key": "host", "kind": "UNIVERSITY", "nameEn": "Host University" }],
            "people": [{ "key": "p", "familyName": "PENG" }],
            "events": events, "agreements": agreements }).to_string();
        let app = TestApp::with_fixture(backend, &fixture).await;
        let query = |lang: &str| format!(r#"query($n: Int!) {{ events(first: $n, orderBy: {{ field: TITLE }}) {{ nodes {{
            title(lang: "{lang}") description(lang: "{lang}") presentations {{ title(lang: "{lang}") }} outcomes {{ description(lang: "{lang}") }} participants {{ title(lang: "{lang}") }}
            agreementsSigned(first: 2) {{ nodes {{ title(lang: "{lang}") fields {{ name(lang: "{lang}") }} }} }} }} }} }}"#);
        let (chinese, english) = (query("zh"), query("en"));
        app.data(&chinese, json!({ "n": 1 })).await;
        let small = app.statements(&chinese, json!({ "n": 4 })).await;
        let large = app.statements(&chinese, json!({ "n": 40 })).await;
        assert!(small.abs_diff(large) <= 1, "statements at page size 4: {small}, at 40: {large}");
        // English reads the columns: the texts in Chinese cost a statement per level at most.
        let plain = app.statements(&english, json!({ "n": 40 })).await;
        assert!(large > plain && large - plain <= 3, "Chinese: {large}, English: {plain}");
        let data = app.data(&chinese, json!({ "n": 40 })).await;
        let first = &data["events"]["nodes"][0];
        assert_eq!(first["title"], "会议00");
        assert_eq!(first["description"], "纪要");
        assert_eq!(first["agreementsSigned"]["nodes"][0]["title"], "备忘录00");
        assert_eq!(first["agreementsSigned"]["nodes"][0]["fields"][0]["name"], "医学");
        assert_eq!(first["presentations"][0]["title"], "报告0");
        assert_eq!(first["outcomes"][0]["description"], "成果0");
        assert_eq!(first["participants"][0]["title"], "院长0");
        assert_eq!(data["events"]["nodes"][39]["title"], "会议39");
    }
}
