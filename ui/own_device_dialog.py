"""The employee's own (broken) device of one swap, at the depot's logistics window: take it
back, ship it to the depot, receive it, the diagnosis, then repaired and back to its owner,
or (wiped first) to the lessor or retired. Every step is a button with an Alt key, enabled
only when the life cycle allows it; a refusal shows in the dialog in the reader's language.
A view on `halt_desk.logistics.own_device`; reads and writes run on workers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from halt_desk.couriers.registry import carriers
from halt_desk.domain.devices import DeviceFold
from halt_desk.i18n import N_, _
from halt_desk.logistics.codes import CodeKind, classify
from halt_desk.logistics.own_device import (
    TakeBack,
    diagnose_device,
    next_own_device_steps,
    repair_device,
    retire_device,
    return_to_owner,
    ship_own_device,
    take_back_device,
)
from halt_desk.logistics.register import device_record
from halt_desk.logistics.swap_board import Swap, swap_of
from halt_desk.logistics.swap_steps import (
    SANITISATION_METHODS,
    Sanitisation,
    receive_device,
    record_sanitisation,
    return_to_lessor,
)
from halt_desk.logistics.words import METHOD_NAMES
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub
from ui.text_limits import limit_text
from ui.workers import run_in_background

#: The steps as buttons (event type → label with its Alt key), in the order they come.
STEPS: tuple[tuple[str, str], ...] = (
    ("device_return_shipped", N_("&Ship to the depot")),
    ("device_received", N_("Recei&ved at the depot")),
    ("device_diagnosed", N_("&Diagnosis")),
    ("device_repaired", N_("Re&paired")),
    ("device_returned_to_owner", N_("Back to the &owner")),
    ("device_sanitised", N_("&Wiped")),
    ("device_returned_to_lessor", N_("To the &lessor")),
    ("device_retired", N_("Ret&ire")),
)
GOOD, BAD = "color: #1b5e20; font-weight: bold", "color: #b3261e; font-weight: bold"


class OwnDeviceDialog(QDialog):
    """The own device of swap `swap_id`, its state and the steps it may take now."""

    def __init__(
        self,
        store: Store,
        user: str,
        clock: Callable[[], datetime],
        swap_id: str,
        depot: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.user, self.clock = store, user, clock
        self.swap_id, self.depot = swap_id, depot
        self.hub = ChangeHub.of(store)
        self.fold: DeviceFold | None = None
        self.setWindowTitle(_("Employee's own device — swap {swap}").format(swap=swap_id))
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold")
        self.heading.setAccessibleName(_("Own device"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Message of the action"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self._build_form())
        layout.addLayout(self._build_buttons())
        layout.addWidget(self.message)
        self.reload()

    def _build_form(self) -> QFormLayout:
        self.code = QLineEdit()
        self.code.setPlaceholderText(_("Scan or type the asset tag, or the serial number"))
        self.model = QLineEdit()
        self.model.setPlaceholderText(_("Only for a device the register does not know"))
        self.carrier = QComboBox()
        for code, carrier in carriers().items():
            self.carrier.addItem(carrier.name, code)
        self.tracking = QLineEdit()
        self.finding = QLineEdit()
        self.method = QComboBox()
        for code in SANITISATION_METHODS:
            self.method.addItem(_(METHOD_NAMES[code]), code)
        self.operator = QLineEdit()
        self.certificate = QLineEdit()
        self.note = QLineEdit()
        limit_text(self.finding, "finding")
        limit_text(self.operator, "operator")
        limit_text(self.certificate, "certificate")
        limit_text(self.note, "text")
        form = QFormLayout()
        for text, widget in (
            (_("&Asset tag or serial"), self.code),
            (_("&Model"), self.model),
            (_("Ca&rrier"), self.carrier),
            (_("Trac&king code"), self.tracking),
            (_("&Finding"), self.finding),
            (_("Wiping met&hod"), self.method),
            (_("Wiped &by"), self.operator),
            (_("Certificate &number"), self.certificate),
            (_("No&te"), self.note),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        return form

    def _build_buttons(self) -> QGridLayout:
        grid = QGridLayout()
        self.take_back = QPushButton(_("Take ba&ck"))
        self.take_back.clicked.connect(self.record_take_back)
        grid.addWidget(self.take_back, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for index, (step, text) in enumerate(STEPS, start=1):
            button = QPushButton(_(text))
            button.clicked.connect(lambda _ignored=False, s=step: self.record_step(s))
            self.buttons[step] = button
            grid.addWidget(button, index // 3, index % 3)
        return grid

    # --- data ------------------------------------------------------------------------------
    def reload(self) -> None:
        store, swap_id, now = self.store, self.swap_id, self.clock()

        def load() -> tuple[Swap, DeviceFold | None]:
            swap = swap_of(store, swap_id, now)
            fold = device_record(store, swap.own_device).fold if swap.own_device else None
            return swap, fold

        run_in_background(load, self._loaded, self._failed)

    def _loaded(self, loaded: tuple[Swap, DeviceFold | None]) -> None:
        swap, fold = loaded
        self.fold = fold
        steps = next_own_device_steps(fold) if fold is not None else []
        if fold is None:
            text = _("Swap {swap} has not taken back a device of the employee yet.")
            self.heading.setText(text.format(swap=swap.id))
        else:
            lines = [
                _("{tag} · {state}").format(
                    tag=fold.asset_tag, state=labels.device_state(fold.state)
                ),
                " · ".join(p for p in (fold.model, fold.serial) if p),
            ]
            if fold.finding:
                lines.append(_("Finding: {finding}").format(finding=fold.finding))
            self.heading.setText("\n".join(line for line in lines if line))
            self.code.setText(fold.asset_tag)
        open_swap = swap.record is not None and not swap.record.is_closed
        self.take_back.setEnabled(open_swap and swap.own_device_done)
        for step, button in self.buttons.items():
            button.setEnabled(step in steps)

    def _failed(self, exc: BaseException) -> None:
        self.message.setStyleSheet(BAD)
        self.message.setText(labels.error_text(exc))

    def _done(self, _result: Any) -> None:
        self.message.setStyleSheet(GOOD)
        self.message.setText(_("Recorded."))
        self.reload()

    def _run(self, work: Callable[[], object]) -> None:
        self.hub.run(work, self._done, self._failed)

    # --- the steps ---------------------------------------------------------------------------
    def record_take_back(self) -> None:
        store, user, now, swap = self.store, self.user, self.clock(), self.swap_id
        code = classify(self.code.text())
        is_tag = code.kind is CodeKind.ASSET_TAG
        take = TakeBack(
            asset_tag=code.value if is_tag else "",
            serial="" if is_tag else code.value,
            model=self.model.text(),
        )
        self._run(lambda: take_back_device(store, swap, take, user, now))

    def record_step(self, step: str) -> None:
        if self.fold is None:
            return
        store, user, now, tag = self.store, self.user, self.clock(), self.fold.asset_tag
        # What the form holds, read here: the work runs on a worker thread.
        note, depot, finding = self.note.text(), self.depot, self.finding.text()
        carrier, tracking = str(self.carrier.currentData()), self.tracking.text()
        wiping = Sanitisation(
            str(self.method.currentData()), self.operator.text(), self.certificate.text()
        )
        work: dict[str, Callable[[], object]] = {
            "device_return_shipped": lambda: ship_own_device(
                store, tag, carrier, tracking, user, now
            ),
            "device_received": lambda: receive_device(store, tag, depot, user, now),
            "device_diagnosed": lambda: diagnose_device(store, tag, finding, user, now),
            "device_repaired": lambda: repair_device(store, tag, user, now, note),
            "device_returned_to_owner": lambda: return_to_owner(store, tag, user, now, note),
            "device_sanitised": lambda: record_sanitisation(store, tag, wiping, user, now),
            "device_returned_to_lessor": lambda: return_to_lessor(store, tag, user, now, note),
            "device_retired": lambda: retire_device(store, tag, user, now, note),
        }
        self._run(work[step])
