"""The API's input and output serialisers by concern: items (list and inputs), one item's
record (detail, records), reference data, Q&A, the inbox, supervision and reports."""
