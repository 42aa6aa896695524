"""A toolbar button with an arrow: the button does its own action, the arrow opens a
menu with it and the related ones (the main window's toolbar has no room for one more
button at 1280 pixels: the report's arrow holds the escalation register)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton


def arrow_menu(toolbar: QToolBar, action: QAction, *related: QAction) -> QMenu | None:
    """Gives `action`'s toolbar button a menu of `action` and `related`."""
    button = toolbar.widgetForAction(action)
    if not isinstance(button, QToolButton):
        return None
    menu = QMenu(button)
    menu.addActions([action, *related])
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    return menu
