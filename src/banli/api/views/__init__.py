"""The API's endpoints by concern, each module thin: parse, call an action or a selector, serialise."""
