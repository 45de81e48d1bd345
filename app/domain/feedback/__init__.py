"""Resident feedback that is not a complaint: compliments, comments and enquiries (issue 16).

Each piece of feedback is a stream of its own (`feedback:<uuid>`) with a small lifecycle of its
own, counted in the annual report apart from complaints and never as one (docs/feedback.md).
"""
