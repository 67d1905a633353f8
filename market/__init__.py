"""Shenyang IP Market: the application factory."""
from flask import Flask

from .config import INSTANCE, Config, config_from_env


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI. Nothing else."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=str(INSTANCE))
    config = config or config_from_env()
    app.config.from_object(config)
    app.config.update(overrides)
    config.finalise(app.config)
    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from . import logs
    logs.init_app(app)
    from .services import pdf
    pdf.init_app(app)

    from . import web
    web.init_app(app)
    from . import search
    search.init_app(app)

    from .agencies.views import bp as agencies_bp
    from .api.patents import bp as api_patents_bp
    from .api.stats import bp as api_stats_bp
    from .auth.views import bp as auth_bp
    from .centre import bp as centre_bp
    from .custody.disclosure import bp as disclosure_bp
    from .custody.views import bp as custody_bp
    from .deals.royalties import bp as royalties_bp
    from .deals.views import bp as deals_bp
    from .demands.views import bp as demands_bp
    from .discover.views import bp as search_bp
    from .engage.exhibitions import bp as exhibitions_bp
    from .engage.views import bp as engage_bp
    from .listings.status_views import bp as legal_status_bp
    from .listings.views import bp as listings_bp
    from .main.views import bp as main_bp
    from .ops.views import bp as ops_bp
    from .orgs.views import bp as orgs_bp
    from .payments.views import bp as payments_bp
    for bp in (main_bp, auth_bp, orgs_bp, centre_bp, listings_bp, search_bp, deals_bp,
               royalties_bp, api_patents_bp, api_stats_bp, ops_bp, legal_status_bp, custody_bp,
               disclosure_bp, demands_bp, agencies_bp, engage_bp, exhibitions_bp):
        app.register_blueprint(bp)
    app.register_blueprint(payments_bp)

    from . import commands
    commands.register(app)
    return app
