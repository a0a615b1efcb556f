"""The address bar follows the page's choices, without the page being laid out again.

A choice's callback writes the new query (``?measure=…``) to the shell's ``App.ADDRESS``
store, and the browser puts it in place of the address's query with
``history.replaceState``: the address can be copied into a committee paper or bookmarked
and reproduces the view. Writing it through ``dcc.Location`` instead would tell Dash's
page router, which lays the whole page out again after the callback has drawn its charts:
twice the work, and the focus lost from the button just pressed. Since the address is
replaced rather than pushed, the browser's Back button leaves the page, as it does from a
form's filters.
"""

from __future__ import annotations

from dash import Input, clientside_callback, dcc

from dashboard.ids import App


def address_store() -> dcc.Store:
    """The query the page's choices ask for (a string starting ``?``), kept in the shell."""
    return dcc.Store(id=App.ADDRESS)


clientside_callback(
    """function(search) {
        if (typeof search === 'string' && search.charAt(0) === '?'
                && search !== window.location.search) {
            window.history.replaceState(window.history.state, '',
                window.location.pathname + search + window.location.hash);
        }
    }""",
    Input(App.ADDRESS, "data"),
    prevent_initial_call=True,
)
