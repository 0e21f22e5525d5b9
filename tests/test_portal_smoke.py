"""The portal and the admin answer on a fresh database."""


def test_home_and_admin_answer(client, db):
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 302
