"""A clear keyboard focus ring on every kind of field in a form, whatever the platform's style.

Fusion (the style offscreen, under Xvfb and on most Linux desktops) shows the focus of a
combo box, a check box or a button only faintly, or not at all when the focus came by
code or by Enter instead of Tab: someone working by keyboard loses track of where they
are. `FocusStyle` wraps the platform's style and draws a two-pixel ring in the palette's
highlight colour over the widget that has the focus. It draws inside the widget's own
rectangle, so no layout moves when the focus does.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionComplex,
    QWidget,
)

RING_WIDTH = 2
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus
#: Frames that get the ring: line edits, text edits and lists.
_FRAMES = (QStyle.PrimitiveElement.PE_PanelLineEdit, QStyle.PrimitiveElement.PE_Frame)
_BOXES = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)


class FocusStyle(QProxyStyle):
    """The platform's style (by its key, e.g. "fusion") with a visible focus ring."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element is QStyle.PrimitiveElement.PE_FrameFocusRect and isinstance(
            widget, QAbstractButton
        ):
            # Check boxes and radio buttons ask for this around their label (Fusion
            # leaves it out unless the focus came by Tab); push buttons get theirs below.
            ring(painter, option.rect, option.palette)
            return
        super().drawPrimitive(element, option, painter, widget)
        if not option.state & _HAS_FOCUS:
            return
        if (element in _FRAMES and _framed_field(widget)) or (
            element is QStyle.PrimitiveElement.PE_PanelButtonCommand
            and isinstance(widget, QAbstractButton)
        ):
            ring(painter, option.rect, option.palette)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in _BOXES and option.state & _HAS_FOCUS:
            ring(painter, option.rect, option.palette)


def _framed_field(widget: QWidget | None) -> bool:
    """A field with a frame of its own: not the line edit inside a combo or spin box (the
    box gets the ring), not a frameless label."""
    if widget is None:
        return False
    if isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox):
        return False
    return isinstance(widget, QAbstractScrollArea) or widget.inherits("QLineEdit")


def ring(painter: QPainter, rect: QRect, palette: QPalette) -> None:
    """The focus ring just inside `rect`."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    pen = QPen(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight))
    pen.setWidth(RING_WIDTH)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    # A pen of width 2 on a rectangle's edge paints one pixel either side of it: one pixel
    # in from each side keeps the whole ring inside.
    painter.drawRect(rect.adjusted(1, 1, -1, -1))
    painter.restore()


def install_focus_style(app: QApplication) -> FocusStyle:
    """Wraps the application's current style (Fusion, the platform's) in a FocusStyle."""
    current = app.style()
    if isinstance(current, FocusStyle):
        return current
    style = FocusStyle(current.name())
    app.setStyle(style)
    return style
