"""The site navigation's menu button: on a narrow screen the list of pages folds away
behind it, so that the page's heading and first finding fit on the first screen.

The button says whether the list is shown (``aria-expanded``) and names the list it
controls; pressing it (Enter or Space, or a tap) shows or hides the list, and going to
another page folds it again. On a wide screen the button is hidden and the list always
shown (``style.css``).
"""

from __future__ import annotations

from dash import Input, Output, State, clientside_callback, html

from dashboard.ids import App

LIST_CLASS = "nav-list"
OPEN_CLASS = f"{LIST_CLASS} open"


def menu_button() -> html.Button:
    return html.Button("Menu", id=App.MENU, type="button", className="menu-button",
                       n_clicks=0, **{"aria-expanded": "false", "aria-controls": App.NAV})


def nav_list(items: list) -> html.Ul:
    return html.Ul(items, id=App.NAV, className=LIST_CLASS)


clientside_callback(
    """function(clicks, path, expanded) {
        var ctx = window.dash_clientside.callback_context;
        var pressed = ctx.triggered_id === '__MENU__';
        var open = pressed ? expanded !== 'true' : false;
        return [open ? 'true' : 'false', open ? '__OPEN__' : '__LIST__'];
    }"""
    .replace("__MENU__", App.MENU).replace("__OPEN__", OPEN_CLASS)
    .replace("__LIST__", LIST_CLASS),
    Output(App.MENU, "aria-expanded"), Output(App.NAV, "className"),
    Input(App.MENU, "n_clicks"), Input(App.URL, "pathname"), State(App.MENU, "aria-expanded"),
    prevent_initial_call=True,
)
