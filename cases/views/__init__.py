"""Views of the cases app, one module per area; cases/urls.py imports them from here."""

from .case_file import case_detail, coordinator_home, referral_detail, referrals

__all__ = ["case_detail", "coordinator_home", "referral_detail", "referrals"]
