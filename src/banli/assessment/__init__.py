"""The year-end assessment of handling units (考核, DOMAIN §7): a scheme per year that the office
edits, scores computed from the records, what people enter by hand, the ranking and the advanced
units, every point explained."""
