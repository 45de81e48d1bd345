"""Demo data: a few dozen made-up complaints across both stages of the Code, some breaching, with
agreed actions, compensation, surveys, lessons learnt and a referral to the Ombudsman.

Every person here is invented. Dates are placed relative to today in working days, so the demo
always shows a mix of pending, due-soon, breached and met clocks.
"""
