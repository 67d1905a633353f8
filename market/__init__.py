"""Shenyang IP Market: the application factory."""
import logging

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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from . import web
    web.init_app(app)

    from .auth.views import bp as auth_bp
    from .centre.views import bp as centre_bp
    from .listings.views import bp as listings_bp
    from .main.views import bp as main_bp
    from .orgs.views import bp as orgs_bp
    for bp in (main_bp, auth_bp, orgs_bp, centre_bp, listings_bp):
        app.register_blueprint(bp)

    from .cli import register_cli
    register_cli(app)
    return app
