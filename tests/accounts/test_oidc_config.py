"""OpenID Connect providers from the environment: each becomes one allauth app, and any bad key
stops startup with a message naming the provider and the key."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from samskab.accounts import oidc
from samskab.accounts.models import Role, StaffLevel

EMPLOYEES = {
    "id": "kbh-ansatte",
    "name": "Københavns Kommune",
    "municipalities": ["0101"],
    "button": "employee",
    "issuer": "https://login.microsoftonline.com/tenant/v2.0",
    "client_id": "samskab",
    "secret": "hemmelig",
    "roles": {"grp-medarbejdere": "medarbejder", "grp-ledere": "leder"},
}


def load(*entries: dict, **environ: str) -> list[dict]:
    return oidc.load_providers({"SAMSKAB_OIDC_PROVIDERS": json.dumps(list(entries)), **environ})


def test_no_configuration_means_no_providers():
    assert oidc.load_providers({}) == []


def test_a_provider_becomes_an_allauth_openid_connect_app():
    (app,) = load(EMPLOYEES)
    assert app["provider_id"] == "kbh-ansatte"
    assert app["name"] == "Københavns Kommune"
    assert app["client_id"] == "samskab"
    assert app["secret"] == "hemmelig"
    assert app["settings"]["server_url"] == EMPLOYEES["issuer"]
    assert app["settings"]["scope"] == ["openid", "profile", "email"]
    assert app["settings"]["oauth_pkce_enabled"] is True
    config = oidc.ProviderConfig.from_settings(app["settings"]["samskab"])
    assert config.municipalities == ("0101",)
    assert config.claims["groups"] == "groups"
    assert config.managed_roles == {"medarbejder", "leder"}


def test_a_toml_file_named_by_the_environment(tmp_path):
    path = tmp_path / "udbydere.toml"
    path.write_text(
        """
[[providers]]
id = "mitid"
name = "MitID"
municipalities = ["0101", "0751"]
button = "mitid"
issuer = "https://broker.example/"
client_id = "samskab"
secret_env = "MITID_SECRET"
default_roles = ["borger"]
claims = { acr = "loa" }
""",
        encoding="utf-8",
    )
    (app,) = oidc.load_providers({"SAMSKAB_OIDC_PROVIDERS_FILE": str(path), "MITID_SECRET": "s"})
    assert app["secret"] == "s"
    config = oidc.config_of(type("App", (), {"settings": app["settings"]})())
    assert config.button == "mitid"
    assert config.claims["acr"] == "loa"
    assert config.managed_roles == {"borger"}


def test_a_json_file_with_a_providers_key(tmp_path):
    path = tmp_path / "udbydere.json"
    path.write_text(json.dumps({"providers": [EMPLOYEES]}), encoding="utf-8")
    assert len(oidc.load_providers({"SAMSKAB_OIDC_PROVIDERS_FILE": str(path)})) == 1


@pytest.mark.parametrize(
    "change, names",
    [
        ({"roles": {"grp": "konge"}}, ["'kbh-ansatte'", "roles.grp", "konge"]),
        ({"municipalities": ["101"]}, ["'kbh-ansatte'", "municipalities"]),
        ({"municipalities": []}, ["'kbh-ansatte'", "municipalities"]),
        ({"button": "saml"}, ["'kbh-ansatte'", "button"]),
        ({"issuer": "http://idp.example"}, ["'kbh-ansatte'", "issuer"]),
        ({"client_id": ""}, ["'kbh-ansatte'", "client_id"]),
        ({"scopes": ["profile"]}, ["'kbh-ansatte'", "scopes"]),
        ({"scopes": ["openid", "cpr"]}, ["'kbh-ansatte'", "scopes", "CPR"]),
        ({"pkce": "ja"}, ["'kbh-ansatte'", "pkce"]),
        ({"claims": {"cpr": "cpr"}}, ["'kbh-ansatte'", "claims.cpr"]),
        ({"staff_levels": {"Chef": "boss"}}, ["'kbh-ansatte'", "staff_levels"]),
        ({"assurance": {"x": "medium"}}, ["'kbh-ansatte'", "assurance"]),
        ({"unknown_groups": "maybe"}, ["'kbh-ansatte'", "unknown_groups"]),
        ({"secret_env": "NOT_SET_ANYWHERE"}, ["'kbh-ansatte'", "secret_env", "NOT_SET_ANYWHERE"]),
        ({"clientid": "x"}, ["'kbh-ansatte'", "clientid", "kendes ikke"]),
        ({"id": "kbh ansatte"}, ["id"]),
    ],
)
def test_a_bad_key_stops_startup_naming_provider_and_key(change, names):
    with pytest.raises(ImproperlyConfigured) as error:
        load({**EMPLOYEES, **change})
    for name in names:
        assert name in str(error.value)


def test_two_providers_with_one_id_are_refused():
    with pytest.raises(ImproperlyConfigured, match="kbh-ansatte"):
        load(EMPLOYEES, EMPLOYEES)


def test_unreadable_sources_are_named():
    with pytest.raises(ImproperlyConfigured, match="SAMSKAB_OIDC_PROVIDERS"):
        oidc.load_providers({"SAMSKAB_OIDC_PROVIDERS": "{not json"})
    with pytest.raises(ImproperlyConfigured, match="SAMSKAB_OIDC_PROVIDERS_FILE"):
        oidc.load_providers({"SAMSKAB_OIDC_PROVIDERS_FILE": "/findes/ikke.json"})


def test_the_role_and_level_names_agree_with_the_models():
    assert {r.value for r in Role} == oidc.ROLE_VALUES
    assert {name.lower(): level.value for name, level in StaffLevel.__members__.items()} == (
        oidc.STAFF_LEVELS
    )


def test_cpr_claims_are_dropped_by_name_and_by_value():
    data = {
        "userinfo": {
            "sub": "abc",
            "email": "a@example.dk",
            "cpr": "anything",
            "dk:gov:saml:attribute:CprNumberIdentifier": "0101901234",
            "note": "010190-1234",
            "groups": ["ok", "010190-1234"],
        },
        "id_token": {"sub": "abc", "https://data.gov.dk/model/core/eid/cprNumber": "x"},
    }
    cleaned = oidc.without_cpr(data)
    assert cleaned == {
        "userinfo": {"sub": "abc", "email": "a@example.dk", "groups": ["ok"]},
        "id_token": {"sub": "abc"},
    }
    assert "0101901234" not in json.dumps(cleaned)


def test_uuid_ids_that_happen_to_read_like_a_cpr_number_are_kept():
    group = "01019012-3456-4abc-8def-0123456789ab"  # "010190-12…" in its first digits
    assert not oidc.is_cpr_value(group)
    assert oidc.without_cpr({"groups": [group], "oid": group}) == {"groups": [group], "oid": group}
    assert oidc.is_cpr_value("010190-1234") and oidc.is_cpr_value("Anna 0101901234")


def test_the_readme_example_is_a_valid_configuration():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Logging in through the municipality (OpenID Connect)")[1]
    example = section.split("```json")[1].split("```")[0]
    (app,) = oidc.load_providers({"SAMSKAB_OIDC_PROVIDERS": example, "KBH_OIDC_SECRET": "hemmelig"})
    assert app["provider_id"] == "kbh-ansatte" and app["secret"] == "hemmelig"
