"""jamsostek_portal/views.py: the health check for load balancers and monitoring."""


def test_healthz_answers_ok_without_a_login(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_healthz_is_read_only(client, db):
    assert client.post("/healthz").status_code == 405
