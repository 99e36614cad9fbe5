"""Utilities shared by every sampler: input validation and format round-trips."""
