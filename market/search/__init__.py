"""Chinese full-text search (Whoosh + jieba) for the patent marketplace.

Import the submodules directly (``market.search.query`` etc.); nothing here
touches the Flask app or the database.
"""
