"""Serving: sign-in, accounts, security headers, health, caches and download routes."""
