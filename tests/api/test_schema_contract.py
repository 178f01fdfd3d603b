"""What the schema fuzzing (test_schemathesis.py) found, pinned in fast ordinary tests: fields that
can be empty are null and the schema says so, a category-less item's category is null (not the
text "None"), and every operation documents its error answers with the one error body."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.builders import make_item, new_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def component(schema, name):
    return schema["components"]["schemas"][name]["properties"]


def login(user):
    c = APIClient()
    c.force_login(user)
    return c


def test_an_item_without_category_or_reply_type_says_null_and_the_schema_allows_it(world, member, schema):
    draft = new_draft(world, category=None)
    rows = login(member).get("/api/items/").json()["results"]
    row = next(r for r in rows if r["id"] == draft.pk)
    # "category.__str__" of None was None's own method: the list said "<method-wrapper '__str__' of NoneType ...>".
    assert row["category"] is None and row["reply_type"] is None
    listed = component(schema, "ItemList")
    assert listed["category"]["nullable"] and listed["reply_type"]["nullable"]
    detail = login(member).get(f"/api/items/{draft.pk}/").json()
    assert detail["reply_type"] is None and component(schema, "ItemDetail")["reply_type"]["nullable"]


def test_a_question_to_the_office_has_a_null_unit_and_the_schema_allows_it(member, schema):
    r = login(member).post("/api/questions/", {"subject": "办理时限", "body": "提案办理时限如何计算？"}, format="json")
    assert r.status_code == 201 and r.json()["to_unit"] is None
    assert component(schema, "Question")["to_unit"]["nullable"]


def test_an_item_level_milestone_has_a_null_unit_and_the_schema_allows_it(world, gov_office, schema):
    make_item(world, "submitted")
    rows = login(gov_office).get("/api/deadlines/").json()["results"]
    assert any(r["unit_name"] is None for r in rows), rows
    assert component(schema, "Deadline")["unit_name"]["nullable"]


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method.upper(), op


def test_every_operation_documents_its_errors_with_the_error_body(schema):
    error_ref = "#/components/schemas/Error"
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "message", "message_zh", "message_en"}
    for path, method, op in operations(schema):
        responses = op["responses"]
        public = not any(op.get("security", [{}])) or path.startswith("/api/token/")
        if not public:
            assert {"401", "403"} <= set(responses), (method, path)
        if "{" in path:
            assert {"400", "404"} <= set(responses), (method, path)
        if method in ("POST", "PUT", "PATCH", "DELETE") and not public:
            assert "409" in responses, (method, path)
        if public and method == "POST":
            assert "429" in responses, (method, path)  # a login door: locked out after repeated failures
        for code, response in responses.items():
            if code.startswith("4"):
                assert "content" in response, (method, path, code)
                # The shared Error, or a view's own body of the same shape (the token views' TokenError).
                ref = response["content"]["application/json"]["schema"]["$ref"]
                body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
                assert ref == error_ref or {"code", "message"} <= set(body["properties"]), (method, path, code)


def test_path_ids_are_typed_integers(schema):
    for path, method, op in operations(schema):
        for p in op.get("parameters", []):
            if p["in"] == "path" and (p["name"] == "id" or p["name"].endswith("_id") or p["name"] == "year"):
                assert p["schema"]["type"] == "integer", (method, path, p["name"])


def test_an_error_answer_matches_the_documented_body(member):
    body = login(member).get("/api/items/999999/").json()
    assert body["code"] == "not_found" and body["message_zh"] and body["message_en"]
