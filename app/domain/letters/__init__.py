"""Letters to the resident: what the Complaint Handling Code requires each to say, whether a
rendered letter says it, and the plain facts a template is given. Pure: no templates, no I/O."""
