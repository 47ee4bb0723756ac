"""The public status page: what customers are told, and nothing else.

`model` holds the rules (no Slack, SQL or templates); `store` keeps the published updates;
`publishing` records them with the customer text; `html`, `api` and `routes` serve the page;
`export` writes it as static files; `form` is its part of the customer-text form in Slack.
"""
