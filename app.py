"""The WSGI entry point: ``gunicorn app:server`` serves the dashboard.

Settings come from ``$HEALTHDASH_CONFIG`` or ``./healthdash.toml`` (see
``healthdash.settings``); the app only reads the warehouse.
"""

from healthdash.dashboard.app import create_app
from healthdash.settings import load_settings

app = create_app(load_settings())
server = app.server

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8050, debug=False)
