"""Steps the browser journeys share."""

from __future__ import annotations


def log_in(page, username: str, password: str) -> None:
    """Log in through the real login page (opening it unless the page is already there)."""
    if "/login/" not in page.url:
        page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
