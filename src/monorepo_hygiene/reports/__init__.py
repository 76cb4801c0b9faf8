"""Findings rendered for code review and CI: SARIF 2.1.0 files, GitHub Actions annotations."""
