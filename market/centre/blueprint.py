"""The centre's blueprint: every page under /centre (one module per page group)."""
from flask import Blueprint

bp = Blueprint("centre", __name__, url_prefix="/centre")
