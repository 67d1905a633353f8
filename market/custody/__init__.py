"""IP custody agreements (the SME's and the agency's pages) and the public disclosure of
service agencies (公示)."""
