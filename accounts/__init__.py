"""Accounts: learners sign up and log in with their email; they keep the name printed on certificates."""
