<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="nl">
<context>
    <name>DeviceDialog</name>
    <message>
        <location filename="../../ui/device_register.py" line="125"/>
        <source>Nieuw apparaat</source>
        <translation>New device</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="146"/>
        <source>onbekend</source>
        <translation>unknown</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="152"/>
        <source>&amp;Assettag</source>
        <translation>&amp;Asset tag</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="153"/>
        <source>&amp;Serienummer</source>
        <translation>&amp;Serial number</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="154"/>
        <source>&amp;Model</source>
        <translation>&amp;Model</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="155"/>
        <source>&amp;Organisatie</source>
        <translation>&amp;Organisation</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="156"/>
        <source>&amp;Depot</source>
        <translation>&amp;Depot</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="157"/>
        <source>&amp;Leasemaatschappij</source>
        <translation>&amp;Lessor</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="158"/>
        <source>Aan&amp;koopdatum</source>
        <translation>Pur&amp;chase date</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="166"/>
        <source>Registreren</source>
        <translation>Register</translation>
    </message>
</context>
<context>
    <name>Devices</name>
    <message>
        <location filename="../../ui/device_register.py" line="65"/>
        <source>Assettag</source>
        <extracomment>The purchase date field shows this (its minimum) as &quot;onbekend&quot;.</extracomment>
        <translation>Asset tag</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="66"/>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="67"/>
        <source>Serienummer</source>
        <translation>Serial number</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="68"/>
        <source>Organisatie</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="69"/>
        <source>Depot</source>
        <translation>Depot</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="70"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="71"/>
        <source>Bijgewerkt</source>
        <translation>Updated</translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <location filename="../../ui/device_register.py" line="290"/>
        <source>Zoek of scan: assettag, serienummer of model</source>
        <translation>Search or scan: asset tag, serial number or model</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="291"/>
        <source>Zoeken in het register</source>
        <translation>Search the register</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="296"/>
        <source>Depot</source>
        <translation>Depot</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="299"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="300"/>
        <source>Alle statussen</source>
        <translation>All states</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="324"/>
        <source>Register</source>
        <translation>Register</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="326"/>
        <source>Nieuw apparaat</source>
        <translation>New device</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="327"/>
        <source>Gereedheid</source>
        <translation>Readiness</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="328"/>
        <source>Labels afdrukken</source>
        <translation>Print labels</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="370"/>
        <source>Alle depots</source>
        <translation>All depots</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="404"/>
        <source>{text} staat niet in het register.</source>
        <translation>{text} is not in the register.</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="418"/>
        <source>{count} apparaten gekozen.</source>
        <translation>{count} devices selected.</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="433"/>
        <source>Leasemaatschappij: {lessor}</source>
        <translation>Lessor: {lessor}</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="434"/>
        <source>Aankoopdatum: {day}</source>
        <translation>Purchase date: {day}</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="435"/>
        <source>Laatste swap: {swap}</source>
        <translation>Last swap: {swap}</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="438"/>
        <source>Nu in swap {swap}</source>
        <translation>Now in swap {swap}</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="442"/>
        <source>Nog niet gereed: {checks}</source>
        <translation>Not ready yet: {checks}</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="450"/>
        <source>Geschiedenis</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="466"/>
        <source>{tag} staat in het register; vul de gereedheid in.</source>
        <translation>{tag} is in the register; fill in its readiness.</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="473"/>
        <source>Kies eerst één apparaat.</source>
        <translation>Choose one device first.</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="481"/>
        <source>Gereedheid vastgelegd.</source>
        <translation>Readiness recorded.</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="489"/>
        <source>Geen apparaten om labels voor af te drukken.</source>
        <translation>No devices to print labels for.</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="494"/>
        <source>Labels opslaan</source>
        <translation>Save labels</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="499"/>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="509"/>
        <source>{count} labels op {pages} pagina&apos;s: {file}</source>
        <translation>{count} labels on {pages} page(s): {file}</translation>
    </message>
</context>
<context>
    <name>FieldView</name>
    <message>
        <location filename="../../ui/field_view.py" line="50"/>
        <source>Aangekomen op locatie</source>
        <extracomment>Minimum height of a big button (touch screens, gloves in winter).</extracomment>
        <translation>Arrived on site</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="51"/>
        <source>Noodoplossing</source>
        <translation>Workaround</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="52"/>
        <source>Leenapparaat uitgegeven</source>
        <translation>Loaner handed over</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="53"/>
        <source>Oud apparaat meegenomen</source>
        <translation>Old device taken back</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="54"/>
        <source>Medewerker weer productief</source>
        <translation>Employee productive again</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="55"/>
        <source>Opgelost</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="56"/>
        <location filename="../../ui/field_view.py" line="126"/>
        <location filename="../../ui/field_view.py" line="158"/>
        <source>Notitie</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="82"/>
        <source>HALT Desk — buitendienst</source>
        <translation>HALT Desk — field service</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="86"/>
        <source>Klokwaarschuwing</source>
        <translation>Clock warning</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="92"/>
        <source>Werk van vandaag meenemen</source>
        <translation>Take today&apos;s work along</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="96"/>
        <source>Nog niet gecontroleerd of alles offline klaarstaat.</source>
        <translation>Not yet checked whether everything is ready offline.</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="99"/>
        <source>Conflicten en weigeringen bekijken</source>
        <translation>Review conflicts and refusals</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="104"/>
        <source>Mijn meldingen vandaag (routevolgorde)</source>
        <translation>My tickets today (route order)</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="110"/>
        <source>Melding</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="114"/>
        <source>Scan of typ assettag (bijv. HALT-LT-00042)</source>
        <translation>Scan or type an asset tag (e.g. HALT-LT-00042)</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="115"/>
        <source>Assettag</source>
        <translation>Asset tag</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="117"/>
        <source>Wie bevestigt dat de medewerker kan werken</source>
        <translation>Who confirms that the employee can work</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="118"/>
        <location filename="../../ui/field_view.py" line="154"/>
        <source>Bevestigd door</source>
        <translation>Confirmed by</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="123"/>
        <source>Weer productief om</source>
        <translation>Productive again at</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="125"/>
        <source>Notitie (bij elke actie)</source>
        <translation>Note (with any action)</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="141"/>
        <source>Melding van de actie</source>
        <translation>Message of the action</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="144"/>
        <source>Vastgelegde acties</source>
        <translation>Recorded actions</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="146"/>
        <source>Tijd (laptop)</source>
        <translation>Time (laptop)</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="146"/>
        <source>Actie</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="146"/>
        <source>Verzonden</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="152"/>
        <source>Scan</source>
        <translation>Scan</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="156"/>
        <source>Om</source>
        <translation>At</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="206"/>
        <source>Let op: de klok van deze laptop liep bij het laatste contact met de server {offset} mis. Controleer de tijden die u vastlegt.</source>
        <translation>Caution: this laptop&apos;s clock was {offset} off at the last contact with the server. Check the times you record.</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="221"/>
        <source>{m} min achter</source>
        <translation>{m} min behind</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="222"/>
        <source>{m} min voor</source>
        <translation>{m} min ahead</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="228"/>
        <source>gehaald {t}</source>
        <translation>met {t}</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="230"/>
        <source>te laat (uiterlijk {t})</source>
        <translation>late (due {t})</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="232"/>
        <source>{t} (uiterlijk {due})</source>
        <translation>{t} (due {due})</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="238"/>
        <source>locatie onbekend</source>
        <translation>location unknown</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="239"/>
        <source> · ● {n} niet gesynchroniseerd</source>
        <translation> · ● {n} not synced</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="242"/>
        <source>Op locatie: {onsite}</source>
        <translation>On site: {onsite}</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="244"/>
        <source>Swap: {swap}</source>
        <translation>Swap: {swap}</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="267"/>
        <source>&lt;h2&gt;Geen meldingen voor vandaag&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;No tickets for today&lt;/h2&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="275"/>
        <source>Melder: {name} {phone}</source>
        <translation>Caller: {name} {phone}</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="278"/>
        <source>Locatie: {place}</source>
        <translation>Location: {place}</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="281"/>
        <source>Op locatie: {c}</source>
        <translation>On site: {c}</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="282"/>
        <source>Swap: {c}</source>
        <translation>Swap: {c}</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="283"/>
        <source>MTTR: {mttr} · MTTP: {mttp} werkminuten ({wall} min klok)</source>
        <translation>MTTR: {mttr} · MTTP: {mttp} business minutes ({wall} min wall clock)</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="291"/>
        <source>Leenapparaat: {tag} · afleveradres: {address}</source>
        <translation>Loaner: {tag} · delivery address: {address}</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="302"/>
        <source>● nog niet gesynchroniseerd</source>
        <translation>● not yet synced</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="304"/>
        <source>verzonden</source>
        <translation>sent</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="342"/>
        <source>Vastgelegd — wordt verzonden zodra er verbinding is.</source>
        <translation>Recorded — sent as soon as there is a connection.</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="359"/>
        <source>Bezig met ophalen…</source>
        <translation>Fetching…</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="367"/>
        <source>Compleet: alles voor {n} meldingen staat offline klaar.</source>
        <translation>Complete: everything for {n} tickets is ready offline.</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="374"/>
        <source>geen verbinding met de server</source>
        <translation>no connection to the server</translation>
    </message>
    <message>
        <location filename="../../ui/field_view.py" line="375"/>
        <source>Niet compleet — {parts}</source>
        <translation>Not complete — {parts}</translation>
    </message>
</context>
<context>
    <name>IntakeDialog</name>
    <message>
        <location filename="../../ui/intake_dialog.py" line="59"/>
        <source>Nieuwe melding</source>
        <translation>New ticket</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="63"/>
        <source>Naam, e-mailadres of telefoonnummer</source>
        <translation>Name, e-mail address or phone number</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="64"/>
        <source>Melder zoeken</source>
        <translation>Find caller</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="74"/>
        <source>Nog geen melder gekozen</source>
        <translation>No caller chosen yet</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="75"/>
        <source>Gekozen melder</source>
        <translation>Chosen caller</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="78"/>
        <source>Omschrijving</source>
        <translation>Summary</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="79"/>
        <source>Wat is er aan de hand?</source>
        <translation>What is wrong?</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="80"/>
        <source>Kanaal</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="82"/>
        <source>Categorie</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="83"/>
        <source>Impact</source>
        <translation>Impact</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="84"/>
        <source>Urgentie</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="85"/>
        <source>Beveiligingsincident met hoog risico (datalek, aanval)</source>
        <translation>High-risk security incident (data leak, attack)</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="86"/>
        <source>Beveiligingsincident</source>
        <translation>Security incident</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="88"/>
        <source>Voorgestelde prioriteit</source>
        <translation>Suggested priority</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="90"/>
        <source>Prioriteit</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="92"/>
        <source>Reden voor afwijken</source>
        <translation>Reason for the override</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="93"/>
        <source>Alleen bij afwijken van het voorstel</source>
        <translation>Only when overriding the suggestion</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="96"/>
        <source>Foutmelding</source>
        <translation>Error</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="104"/>
        <source>&amp;Melder</source>
        <translation>&amp;Caller</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="106"/>
        <source>&amp;Omschrijving</source>
        <translation>&amp;Summary</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="107"/>
        <source>&amp;Kanaal</source>
        <translation>C&amp;hannel</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="108"/>
        <source>C&amp;ategorie</source>
        <translation>C&amp;ategory</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="109"/>
        <source>&amp;Impact</source>
        <translation>&amp;Impact</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="110"/>
        <source>&amp;Urgentie</source>
        <translation>&amp;Urgency</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="112"/>
        <source>Voorstel</source>
        <translation>Suggestion</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="113"/>
        <source>&amp;Prioriteit</source>
        <translation>&amp;Priority</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="114"/>
        <source>&amp;Reden afwijking</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="117"/>
        <source>Opslaan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="119"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="140"/>
        <source>— kies —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <location filename="../../ui/intake_dialog.py" line="277"/>
        <source>Opslaan mislukt: {error}</source>
        <translation>Saving failed: {error}</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/labels.py" line="24"/>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="25"/>
        <location filename="../../ui/labels.py" line="150"/>
        <source>Wacht op gebruiker</source>
        <translation>Waiting on user</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="26"/>
        <location filename="../../ui/labels.py" line="159"/>
        <source>Opgelost</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="27"/>
        <location filename="../../ui/labels.py" line="164"/>
        <source>Gesloten</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="34"/>
        <source>Telefoon</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="35"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="36"/>
        <source>Portaal</source>
        <translation>Portal</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="37"/>
        <location filename="../../ui/labels.py" line="88"/>
        <source>Op locatie</source>
        <translation>On site</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="44"/>
        <source>Werkplek en laptop</source>
        <translation>Workplace and laptop</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="45"/>
        <source>Microsoft 365</source>
        <translation>Microsoft 365</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="46"/>
        <source>Netwerk en VPN</source>
        <translation>Network and VPN</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="47"/>
        <source>Kernapplicatie</source>
        <translation>Core application</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="48"/>
        <source>Overige applicatie</source>
        <translation>Other application</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="49"/>
        <source>Account en wachtwoord</source>
        <translation>Account and password</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="50"/>
        <source>Telefonie</source>
        <translation>Telephony</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="51"/>
        <source>Beveiliging</source>
        <translation>Security</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="52"/>
        <source>Verzoek</source>
        <translation>Request</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="53"/>
        <source>Vraag</source>
        <translation>Question</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="60"/>
        <source>Hele organisatie</source>
        <translation>Whole organisation</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="61"/>
        <source>Meerdere teams of locaties</source>
        <translation>Several teams or locations</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="62"/>
        <source>Eén medewerker of klein team</source>
        <translation>One employee or a small team</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="63"/>
        <source>Geen hinder</source>
        <translation>No hindrance</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="64"/>
        <source>Laag</source>
        <translation>Low</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="65"/>
        <source>Midden</source>
        <translation>Medium</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="66"/>
        <source>Hoog</source>
        <translation>High</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="73"/>
        <source>Werk ligt stil</source>
        <translation>Work has stopped</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="74"/>
        <source>Werk gaat moeizaam</source>
        <translation>Work is degraded</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="75"/>
        <source>Omweg mogelijk of vraag</source>
        <translation>Workaround possible, or a question</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="76"/>
        <source>Omweg aanwezig</source>
        <translation>Workaround present</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="77"/>
        <source>Dienst beperkt</source>
        <translation>Service limited</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="78"/>
        <source>Dienst niet beschikbaar</source>
        <translation>Service unavailable</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="85"/>
        <source>Reactie</source>
        <translation>Reaction</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="86"/>
        <source>Oplossing</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="87"/>
        <location filename="../../ui/labels.py" line="148"/>
        <source>Statusupdate</source>
        <translation>Status update</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="89"/>
        <source>Vervangend apparaat</source>
        <translation>Device swap</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="90"/>
        <location filename="../../ui/labels.py" line="157"/>
        <source>Noodwerkplek</source>
        <translation>Emergency workplace</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="97"/>
        <source>gehaald</source>
        <translation>met</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="98"/>
        <source>overschreden</source>
        <translation>breached</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="99"/>
        <source>loopt</source>
        <translation>running</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="100"/>
        <source>n.v.t.</source>
        <translation>n/a</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="107"/>
        <source>Bestuur of woordvoering</source>
        <translation>Board or press spokesperson</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="108"/>
        <source>Crisisoverleg</source>
        <translation>Crisis meeting</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="109"/>
        <source>Zitting</source>
        <translation>Court session</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="110"/>
        <source>Les of voorlichting aan een klas of grote groep</source>
        <translation>Lesson or talk to a class or large group</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="113"/>
        <source>Bestuurlijk overleg met ketenpartners</source>
        <translation>Administrative meeting with chain partners</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="116"/>
        <source>Anders (met toelichting)</source>
        <translation>Other (with explanation)</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="123"/>
        <source>De medewerker heeft nu geen kritieke rol of tijdkritische taak.</source>
        <translation>The employee has no critical role or time-critical obligation now.</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="126"/>
        <source>Er is geen directe impact op continuïteit, veiligheid, publieke taak of imago.</source>
        <translation>There is no direct impact on continuity, safety, the public task or reputation.</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="130"/>
        <source>De medewerker kan de taak nog uitvoeren.</source>
        <translation>The employee can still do the task.</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="133"/>
        <source>Kies het soort kritieke rol.</source>
        <translation>Choose the type of critical role.</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="134"/>
        <source>Bij &apos;Anders&apos; hoort een toelichting op de rol.</source>
        <translation>&apos;Other&apos; needs an explanation of the role.</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="137"/>
        <source>Een schriftelijke motivatie (minstens 10 tekens) is verplicht.</source>
        <translation>A written motivation (at least 10 characters) is required.</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="146"/>
        <source>Gemeld</source>
        <translation>Reported</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="147"/>
        <source>Eerste reactie</source>
        <translation>First response</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="149"/>
        <source>Prioriteit gewijzigd</source>
        <translation>Priority changed</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="151"/>
        <source>Hervat</source>
        <translation>Resume</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="152"/>
        <source>Monteur aangevraagd</source>
        <translation>Field engineer requested</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="153"/>
        <source>Monteur op locatie</source>
        <translation>Field engineer on site</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="154"/>
        <source>Noodoplossing</source>
        <translation>Workaround</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="155"/>
        <source>Vervangend apparaat aangevraagd</source>
        <translation>Device swap requested</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="156"/>
        <source>Vervangend apparaat geleverd</source>
        <translation>Replacement device delivered</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="158"/>
        <source>Weer productief</source>
        <translation>Productive again</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="160"/>
        <source>P1-uplift besloten</source>
        <translation>P1 uplift decided</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="161"/>
        <source>Toegewezen</source>
        <translation>Assigned</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="162"/>
        <source>Notitie</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="163"/>
        <source>Tevredenheid</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="171"/>
        <source>niet gereed</source>
        <translation>not ready</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="172"/>
        <source>op voorraad</source>
        <translation>in stock</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="173"/>
        <source>gereserveerd</source>
        <translation>reserved</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="174"/>
        <source>verzonden</source>
        <translation>shipped</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="175"/>
        <source>op locatie uitgegeven</source>
        <translation>issued on site</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="176"/>
        <source>bij de medewerker</source>
        <translation>with the employee</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="177"/>
        <source>retour onderweg</source>
        <translation>return in transit</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="178"/>
        <source>ontvangen in depot</source>
        <translation>received at the depot</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="179"/>
        <source>gewist</source>
        <translation>sanitised</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="180"/>
        <source>terug naar leasemaatschappij</source>
        <translation>returned to the lessor</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="181"/>
        <source>afgevoerd</source>
        <translation>retired</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="188"/>
        <source>Geregistreerd</source>
        <translation>Registered</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="189"/>
        <source>Gereedheid gecontroleerd</source>
        <translation>Readiness checked</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="190"/>
        <source>Gereserveerd</source>
        <translation>Reserved</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="191"/>
        <source>Reservering vrijgegeven</source>
        <translation>Reservation released</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="192"/>
        <source>Verzonden</source>
        <translation>Shipped</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="193"/>
        <source>Op locatie uitgegeven</source>
        <translation>Issued on site</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="194"/>
        <source>Afgeleverd</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="195"/>
        <source>Retour verzonden</source>
        <translation>Return shipped</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="196"/>
        <source>Ontvangen in depot</source>
        <translation>Received at the depot</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="197"/>
        <source>Gewist</source>
        <translation>Sanitised</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="198"/>
        <source>Terug naar leasemaatschappij</source>
        <translation>Returned to the lessor</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="201"/>
        <source>Afgevoerd</source>
        <translation>Retired</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="208"/>
        <source>Autopilot/Intune ingericht</source>
        <translation>Autopilot/Intune set up</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="209"/>
        <source>BitLocker aan</source>
        <translation>BitLocker on</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="210"/>
        <source>Basisapplicaties geïnstalleerd</source>
        <translation>Base applications installed</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="211"/>
        <source>MFA werkt</source>
        <translation>MFA works</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="217"/>
        <source>P1-uplift (één medewerker)</source>
        <translation>P1 uplift (one employee)</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="241"/>
        <source>{d} d {h} u</source>
        <extracomment>Background colours per priority (P1 red … P5 grey), readable with black text.</extracomment>
        <translation>{d} d {h} h</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="243"/>
        <source>{h} u {m:02d} min</source>
        <translation>{h} h {m:02d} min</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="245"/>
        <source>{m} min</source>
        <translation>{m} min</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="247"/>
        <source>te laat {span}</source>
        <translation>{span} overdue</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="249"/>
        <source>nog {span}</source>
        <translation>{span} left</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="254"/>
        <source>nl</source>
        <translation>en</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="274"/>
        <source>gegevens van de melder ontbreken</source>
        <translation>the caller&apos;s details are missing</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="275"/>
        <source>organisatie ontbreekt</source>
        <translation>organisation missing</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="276"/>
        <source>locatie ontbreekt</source>
        <translation>location missing</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="277"/>
        <source>afleveradres van de swap ontbreekt</source>
        <translation>the swap&apos;s delivery address is missing</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="278"/>
        <source>leenapparaat nog niet bekend</source>
        <translation>loaner not known yet</translation>
    </message>
</context>
<context>
    <name>Logistics</name>
    <message>
        <location filename="../../ui/logistics_window.py" line="72"/>
        <source>plannen</source>
        <translation>to plan</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="73"/>
        <source>loaner reserveren</source>
        <translation>reserve a loaner</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="74"/>
        <source>verzenden</source>
        <translation>to ship</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="75"/>
        <source>uitgeven op locatie</source>
        <translation>issue onsite</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="76"/>
        <location filename="../../ui/logistics_window.py" line="84"/>
        <source>onderweg</source>
        <translation>in transit</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="77"/>
        <source>bij medewerker, retour volgt</source>
        <translation>with the employee, return to follow</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="78"/>
        <source>retour onderweg</source>
        <translation>return in transit</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="79"/>
        <source>gesloten</source>
        <translation>closed</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="82"/>
        <source>aangemeld</source>
        <translation>booked</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="83"/>
        <source>opgehaald</source>
        <translation>picked up</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="85"/>
        <source>bij bezorger</source>
        <translation>out for delivery</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="86"/>
        <source>bezorgd</source>
        <translation>delivered</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="87"/>
        <source>niet thuis</source>
        <translation>failed attempt</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="88"/>
        <source>retour afzender</source>
        <translation>returned to sender</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="91"/>
        <source>virtuele werkplek</source>
        <translation>virtual workplace</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="92"/>
        <source>pool-apparaat</source>
        <translation>pool device</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="95"/>
        <source>tijdelijk extra voorraad</source>
        <translation>temporary extra stock</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="96"/>
        <source>ander depot levert</source>
        <translation>another depot supplies</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="97"/>
        <source>prioritering</source>
        <translation>prioritisation</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="100"/>
        <source>Verzenden</source>
        <translation>Ship</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="101"/>
        <source>Ontvangen</source>
        <translation>Receive</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="102"/>
        <source>Uitgeven op locatie</source>
        <translation>Issue onsite</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="123"/>
        <source>Deadline</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="124"/>
        <source>Melding</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="125"/>
        <source>Prio</source>
        <translation>Prio</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="126"/>
        <source>Stap</source>
        <translation>Step</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="127"/>
        <source>Loaner</source>
        <translation>Loaner</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="128"/>
        <location filename="../../ui/logistics_window.py" line="188"/>
        <source>Depot</source>
        <translation>Depot</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="129"/>
        <source>Zending</source>
        <translation>Shipment</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="130"/>
        <source>Noodwerkplek</source>
        <translation>Emergency workplace</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="189"/>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="190"/>
        <source>Gereed</source>
        <translation>Ready</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="191"/>
        <source>Minimum</source>
        <translation>Minimum</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="192"/>
        <source>Tekort</source>
        <translation>Shortage</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="193"/>
        <source>Maatregel</source>
        <translation>Mitigation</translation>
    </message>
</context>
<context>
    <name>LogisticsWindow</name>
    <message>
        <location filename="../../ui/logistics_window.py" line="1"/>
        <source>Depot van deze werkplek:</source>
        <translation>Depot of this workstation:</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="1"/>
        <source>Depot van deze werkplek</source>
        <translation>Depot of this workstation</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="1"/>
        <source>— kies een depot —</source>
        <translation>— choose a depot —</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="1"/>
        <source>Kies het depot van deze werkplek.</source>
        <translation>Choose the depot of this workstation.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="430"/>
        <source>HALT Desk — logistiek</source>
        <translation>HALT Desk — logistics</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="449"/>
        <source>Wachtrij</source>
        <translation>Queue</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="450"/>
        <source>Voorraad</source>
        <translation>Stock</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="451"/>
        <location filename="../../ui/logistics_window.py" line="467"/>
        <source>Scannen</source>
        <translation>Scan</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="455"/>
        <location filename="../../ui/logistics_window.py" line="468"/>
        <source>Apparaten</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="458"/>
        <source>Logistiek</source>
        <translation>Logistics</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="462"/>
        <source>Swap plannen</source>
        <translation>Plan swap</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="463"/>
        <location filename="../../ui/logistics_window.py" line="576"/>
        <source>Noodwerkplek</source>
        <translation>Emergency workplace</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="464"/>
        <location filename="../../ui/logistics_window.py" line="594"/>
        <source>Status handmatig</source>
        <translation>Status by hand</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="465"/>
        <source>Afgeleverd</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="466"/>
        <location filename="../../ui/logistics_window.py" line="623"/>
        <location filename="../../ui/logistics_window.py" line="627"/>
        <source>Maatregel tekort</source>
        <translation>Shortage mitigation</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="469"/>
        <source>Vernieuwen</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="521"/>
        <source>{n} swaps open · {s} tekorten in de buffervoorraad</source>
        <translation>{n} swaps open · {s} shortages in the buffer stock</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="546"/>
        <source>Kies een swap die nog gepland moet worden.</source>
        <translation>Choose a swap that still needs planning.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="567"/>
        <source>Swap voor {ticket} gepland</source>
        <translation>Swap for {ticket} planned</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="576"/>
        <source>Alternatief</source>
        <translation>Alternative</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="584"/>
        <source>Noodwerkplek vastgelegd</source>
        <translation>Emergency workplace recorded</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="590"/>
        <source>Kies een swap met een zending.</source>
        <translation>Choose a swap with a shipment.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="594"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="603"/>
        <source>Status vastgelegd</source>
        <translation>Status recorded</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="609"/>
        <source>Kies een swap die onderweg is.</source>
        <translation>Choose a swap in transit.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="612"/>
        <source>Aflevering vastgelegd</source>
        <translation>Delivery recorded</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="618"/>
        <source>Kies een regel in de voorraad.</source>
        <translation>Choose a line of the stock.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="623"/>
        <source>Maatregel</source>
        <translation>Mitigation</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="627"/>
        <source>Toelichting</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="634"/>
        <source>Maatregel vastgelegd</source>
        <translation>Mitigation recorded</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="50"/>
        <source>Open</source>
        <extracomment>Pause after a page of pulled events before the list is read again (pages come in bursts).</extracomment>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="51"/>
        <source>Mijn meldingen</source>
        <translation>My tickets</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="52"/>
        <source>P1</source>
        <translation>P1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="53"/>
        <source>Bijna te laat (30 min)</source>
        <translation>Breaching soon (30 min)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="54"/>
        <source>Wacht op gebruiker</source>
        <translation>Waiting on user</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="55"/>
        <source>Alle</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="75"/>
        <source>HALT Desk — servicedesk</source>
        <translation>HALT Desk — service desk</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="81"/>
        <source>Meldingen</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="97"/>
        <source>Werkbalk</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="100"/>
        <source>Nieuwe melding</source>
        <translation>New ticket</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="102"/>
        <source>Nieuwe melding (Ctrl+N)</source>
        <translation>New ticket (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="105"/>
        <source>Maandrapport…</source>
        <translation>Monthly report…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="107"/>
        <source>Maandrapport service levels (Ctrl+Shift+R)</source>
        <translation>Monthly service-level report (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="110"/>
        <source>Logistiek</source>
        <translation>Logistics</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="112"/>
        <source>Logistiek: swaps, voorraad en scannen (Ctrl+L)</source>
        <translation>Logistics: swaps, stock and scanning (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="115"/>
        <source>Buitendienst</source>
        <translation>Field service</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="117"/>
        <source>Buitendienst: mijn meldingen van vandaag (Ctrl+B)</source>
        <translation>Field service: my tickets of today (Ctrl+B)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="129"/>
        <source>Filter {name}</source>
        <translation>Filter {name}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="138"/>
        <source>Zoeken: nummer, melder, omschrijving… (Ctrl+F)</source>
        <translation>Search: number, caller, summary… (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="139"/>
        <source>Zoeken</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="150"/>
        <source>Lokaal (niet verbonden)</source>
        <translation>Local (not connected)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="151"/>
        <source>Verbinding</source>
        <translation>Connection</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="153"/>
        <source>Te verzenden</source>
        <translation>Waiting to sync</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="156"/>
        <source>Herinneringen</source>
        <translation>Reminders</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="160"/>
        <source>Geweigerd en conflicten</source>
        <translation>Refused and conflicts</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="161"/>
        <source>Wat de server weigerde en gelijktijdige wijzigingen</source>
        <translation>What the server refused, and concurrent edits</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="168"/>
        <source>Nu synchroniseren</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="191"/>
        <source>HALT Desk</source>
        <translation>HALT Desk</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="202"/>
        <source>Meldingen worden geladen…</source>
        <translation>Loading tickets…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="252"/>
        <location filename="../../ui/main_window.py" line="392"/>
        <source>Te verzenden: {n}</source>
        <translation>Waiting to sync: {n}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="286"/>
        <source>Te laat: {overdue} · bijna: {soon}</source>
        <translation>Overdue: {overdue} · soon: {soon}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="297"/>
        <source>… en nog {n}</source>
        <translation>… and {n} more</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="298"/>
        <source>HALT Desk: deadlines</source>
        <translation>HALT Desk: deadlines</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="310"/>
        <source>{ticket}: {clock} is te laat</source>
        <translation>{ticket}: {clock} is overdue</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312"/>
        <source>{ticket}: statusupdate P1 binnen 5 minuten</source>
        <translation>{ticket}: P1 status update due within 5 minutes</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="314"/>
        <source>{ticket}: {clock} verloopt binnen 15 minuten</source>
        <translation>{ticket}: {clock} breaches within 15 minutes</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="328"/>
        <source>{shown} van {total} meldingen</source>
        <translation>{shown} of {total} tickets</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="348"/>
        <source>Melding {id} vastgelegd</source>
        <translation>Ticket {id} recorded</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="378"/>
        <source>Nog niet verbonden</source>
        <translation>Not connected yet</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="379"/>
        <source>Synchroniseren…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="380"/>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="381"/>
        <source>Online — klok van deze computer wijkt af</source>
        <translation>Online — this computer&apos;s clock is off</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="382"/>
        <source>Offline — wijzigingen wachten</source>
        <translation>Offline — changes are waiting</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="383"/>
        <source>Afgemeld — meld opnieuw aan</source>
        <translation>Signed out — sign in again</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="384"/>
        <source>Synchronisatiefout</source>
        <translation>Sync error</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="396"/>
        <source>Conflicten: {c} · geweigerd: {r}</source>
        <translation>Conflicts: {c} · refused: {r}</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <location filename="../../ui/logistics_window.py" line="378"/>
        <source>Swap plannen</source>
        <translation>Plan swap</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="380"/>
        <source>Koerier naar huisadres</source>
        <translation>Courier to the home address</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="381"/>
        <source>Uitgifte op locatie door engineer</source>
        <translation>Onsite issue by an engineer</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="388"/>
        <source>Geen loaner op voorraad: leg een noodwerkplek vast.</source>
        <translation>No loaner in stock: record an emergency workplace.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="390"/>
        <source>Voorstel haalt de swap-deadline.</source>
        <translation>The suggestion meets the swap deadline.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="392"/>
        <source>Geen depot haalt de deadline: leg ook een noodwerkplek vast.</source>
        <translation>No depot meets the deadline: also record an emergency workplace.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="394"/>
        <source>Manier</source>
        <translation>Mode</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="395"/>
        <source>Depot</source>
        <translation>Depot</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="396"/>
        <source>Loaner</source>
        <translation>Loaner</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="397"/>
        <source>Huisadres</source>
        <translation>Home address</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="398"/>
        <source>Engineer</source>
        <translation>Engineer</translation>
    </message>
</context>
<context>
    <name>ReadinessDialog</name>
    <message>
        <location filename="../../ui/device_register.py" line="231"/>
        <source>Gereedheid van {tag}</source>
        <translation>Readiness of {tag}</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="235"/>
        <source>Een leenapparaat is pas voorraad als alle vier de punten kloppen.</source>
        <translation>A loaner is stock only when all four points are right.</translation>
    </message>
    <message>
        <location filename="../../ui/device_register.py" line="248"/>
        <source>Vastleggen</source>
        <translation>Record</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../ui/report_dialog.py" line="51"/>
        <source>Maandrapport (service levels)</source>
        <translation>Monthly report (service levels)</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="54"/>
        <source>Maand (JJJJ-MM)</source>
        <translation>Month (YYYY-MM)</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="56"/>
        <source>Organisatie</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="60"/>
        <source>Taal van het rapport</source>
        <translation>Language of the report</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="61"/>
        <source>Nederlands</source>
        <translation>Dutch</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="62"/>
        <source>Engels</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="64"/>
        <source>PDF-bestand</source>
        <translation>PDF file</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="65"/>
        <source>Bladeren…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="67"/>
        <source>Ook CSV (kerncijfers en één regel per melding)</source>
        <translation>Also CSV (key figures and one line per ticket)</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="74"/>
        <source>&amp;Maand</source>
        <translation>&amp;Month</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="75"/>
        <source>&amp;Organisatie</source>
        <translation>&amp;Organisation</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="76"/>
        <source>&amp;Taal</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="77"/>
        <source>&amp;Bestand</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="81"/>
        <source>Rapport maken</source>
        <translation>Make report</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="83"/>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="92"/>
        <source>Rapport opslaan</source>
        <translation>Save report</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="104"/>
        <source>Rapport wordt gemaakt…</source>
        <translation>Making the report…</translation>
    </message>
    <message>
        <location filename="../../ui/report_dialog.py" line="114"/>
        <source>Geschreven: {files}</source>
        <translation>Written: {files}</translation>
    </message>
</context>
<context>
    <name>ScanWidget</name>
    <message>
        <location filename="../../ui/scan_widget.py" line="1"/>
        <source>Kies eerst het depot van deze werkplek.</source>
        <translation>Choose the depot of this workstation first.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="263"/>
        <source>Scanveld</source>
        <translation>Scan field</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="264"/>
        <source>Scan een assettag, serienummer of verzendlabel…</source>
        <translation>Scan an asset tag, serial number or shipping label…</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="271"/>
        <source>Klaar om te scannen.</source>
        <translation>Ready to scan.</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="272"/>
        <source>Scanresultaat</source>
        <translation>Scan result</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="281"/>
        <source>Eerdere scans</source>
        <translation>Earlier scans</translation>
    </message>
    <message>
        <location filename="../../ui/logistics_window.py" line="309"/>
        <source>Stap: {step}. Scan maar.</source>
        <translation>Step: {step}. Go ahead and scan.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="31"/>
        <source>Aanmelden bij HALT Desk</source>
        <translation>Sign in to HALT Desk</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="35"/>
        <source>Meld deze computer aan bij de centrale server. Het token krijgt u van de beheerder; het wordt bewaard in {where}.</source>
        <translation>Sign this computer in to the central server. Your administrator gives you the token; it is kept in {where}.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="41"/>
        <source>Serveradres</source>
        <translation>Server address</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="43"/>
        <source>Uw naam op meldingen</source>
        <translation>Your name on tickets</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="46"/>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="51"/>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="52"/>
        <source>&amp;Naam</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="53"/>
        <source>&amp;Token</source>
        <translation>&amp;Token</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="56"/>
        <source>Aanmelden</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="58"/>
        <source>Offline werken</source>
        <translation>Work offline</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="71"/>
        <source>Ongeldig serveradres: {error}</source>
        <translation>Invalid server address: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="75"/>
        <source>Vul het token in.</source>
        <translation>Enter the token.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="81"/>
        <source>Controleren…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="93"/>
        <source>De server weigert dit token.</source>
        <translation>The server refuses this token.</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="95"/>
        <source>De server is niet bereikbaar: {error}</source>
        <translation>The server cannot be reached: {error}</translation>
    </message>
</context>
<context>
    <name>SyncIssuesDialog</name>
    <message>
        <location filename="../../ui/sync_issues.py" line="46"/>
        <source>Geweigerd en conflicten</source>
        <translation>Refused and conflicts</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="49"/>
        <source>Door de server geweigerd</source>
        <translation>Refused by the server</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="51"/>
        <source>Vastgelegd</source>
        <translation>Recorded</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="51"/>
        <source>Wat</source>
        <translation>What</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="51"/>
        <source>Waarop</source>
        <translation>On</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="51"/>
        <source>Reden</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="54"/>
        <source>Opnieuw versturen</source>
        <translation>Send again</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="55"/>
        <source>Nadat de oorzaak is opgelost</source>
        <translation>After the cause has been fixed</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="57"/>
        <source>Gezien, niet opnieuw versturen</source>
        <translation>Seen, do not send again</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="58"/>
        <source>Uw keuze wordt op de melding vastgelegd</source>
        <translation>Your choice is recorded on the ticket</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="61"/>
        <source>Conflicten</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="63"/>
        <source>Melding</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="63"/>
        <source>Veld</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="63"/>
        <source>Mijn wijziging</source>
        <translation>My change</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="63"/>
        <source>Andere</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="66"/>
        <source>Mijn wijziging houden</source>
        <translation>Keep my change</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="67"/>
        <source>De andere wijziging nemen</source>
        <translation>Take the other change</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="75"/>
        <source>&lt;b&gt;Door de server geweigerd&lt;/b&gt; (blijft bewaard)</source>
        <translation>&lt;b&gt;Refused by the server&lt;/b&gt; (kept)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="82"/>
        <source>&lt;b&gt;Gelijktijdige wijzigingen&lt;/b&gt; — kies per conflict</source>
        <translation>&lt;b&gt;Concurrent edits&lt;/b&gt; — choose per conflict</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="137"/>
        <source>Kies eerst een geweigerde wijziging in de lijst.</source>
        <translation>First choose a refused change in the list.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_issues.py" line="150"/>
        <source>Kies eerst een conflict in de lijst.</source>
        <translation>First choose a conflict in the list.</translation>
    </message>
</context>
<context>
    <name>TicketDialog</name>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="43"/>
        <source>Eerste reactie (telefoon)</source>
        <extracomment>(label, action, extra fields, shortcut) of the action buttons, in the order of a ticket&apos;s life.</extracomment>
        <translation>First response (phone)</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="49"/>
        <source>Eerste reactie (e-mail)</source>
        <translation>First response (e-mail)</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="54"/>
        <source>Statusupdate</source>
        <translation>Status update</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="55"/>
        <source>Wacht op gebruiker</source>
        <translation>Waiting on user</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="56"/>
        <source>Hervat</source>
        <translation>Resume</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="58"/>
        <source>Monteur op locatie aanvragen</source>
        <translation>Request field engineer on site</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="64"/>
        <source>Vervangend apparaat aanvragen</source>
        <translation>Request device swap</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="69"/>
        <source>Noodoplossing</source>
        <translation>Workaround</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="70"/>
        <source>Weer productief</source>
        <translation>Productive again</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="71"/>
        <source>Opgelost</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="115"/>
        <source>Melding {ticket}</source>
        <extracomment>Fields of an event&apos;s data that the header already shows, or that are internal.</extracomment>
        <translation>Ticket {ticket}</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="121"/>
        <source>Melding</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="123"/>
        <source>Klokken</source>
        <translation>Clocks</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="125"/>
        <source>Klok</source>
        <translation>Clock</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="125"/>
        <source>Deadline</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="125"/>
        <source>Nog / te laat</source>
        <translation>Left / overdue</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="125"/>
        <source>Stand</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="134"/>
        <source>Tijdlijn</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="136"/>
        <source>Tijd</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="136"/>
        <source>Gebeurtenis</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="136"/>
        <source>Door</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="136"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="142"/>
        <source>Notitie bij de actie</source>
        <translation>Note with the action</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="143"/>
        <source>Notitie (optioneel; verplicht voor &apos;Notitie&apos;)</source>
        <translation>Note (optional; required for &apos;Note&apos;)</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="146"/>
        <source>Acties</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="160"/>
        <source>Notitie</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="162"/>
        <source>P1-uplift…</source>
        <translation>P1 uplift…</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="164"/>
        <source>Sluiten met cijfer…</source>
        <translation>Close with score…</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="208"/>
        <source>Melding {ticket} bestaat niet.</source>
        <translation>Ticket {ticket} does not exist.</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="243"/>
        <source>MTTR {mttr} · MTTP {mttp} (kloktijd {wall})</source>
        <translation>MTTR {mttr} · MTTP {mttp} (wall clock {wall})</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="261"/>
        <source>te laat</source>
        <translation>overdue</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="287"/>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="287"/>
        <source>Tevredenheid van de melder (1–10):</source>
        <translation>Caller&apos;s satisfaction (1–10):</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_dialog.py" line="306"/>
        <source>Niet gelukt</source>
        <translation>Did not work</translation>
    </message>
</context>
<context>
    <name>TicketTableModel</name>
    <message>
        <location filename="../../ui/ticket_model.py" line="23"/>
        <source>Nummer</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_model.py" line="24"/>
        <source>Organisatie</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_model.py" line="25"/>
        <source>Melder</source>
        <translation>Caller</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_model.py" line="26"/>
        <source>Omschrijving</source>
        <translation>Summary</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_model.py" line="27"/>
        <source>Prioriteit</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_model.py" line="28"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_model.py" line="29"/>
        <source>Volgende deadline</source>
        <translation>Next deadline</translation>
    </message>
    <message>
        <location filename="../../ui/ticket_model.py" line="30"/>
        <source>Toegewezen aan</source>
        <translation>Assigned to</translation>
    </message>
</context>
<context>
    <name>UpliftDialog</name>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="46"/>
        <source>P1-uplift voor één medewerker — {ticket}</source>
        <translation>P1 uplift for one employee — {ticket}</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="51"/>
        <source>Een melding die één medewerker treft wordt P1 als alle drie de criteria gelden. Leg de motivatie schriftelijk vast; ook een afwijzing wordt vastgelegd.</source>
        <translation>A ticket that hits one employee becomes P1 when all three criteria hold. Write down the motivation; a refusal is recorded too.</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="57"/>
        <source>1. De medewerker heeft nu een kritieke rol of tijdkritische verplichting</source>
        <translation>1. The employee has a critical role or time-critical obligation now</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="60"/>
        <source>2. Er is directe impact op continuïteit, veiligheid, publieke taak of imago</source>
        <translation>2. There is direct impact on continuity, safety, the public task or reputation</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="62"/>
        <source>3. De medewerker kan de taak niet uitvoeren</source>
        <translation>3. The employee cannot do the task</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="64"/>
        <source>Soort rol</source>
        <translation>Role type</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="65"/>
        <source>— kies —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="69"/>
        <source>Toelichting op de rol</source>
        <translation>Explanation of the role</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="71"/>
        <source>Motivatie</source>
        <translation>Motivation</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="73"/>
        <source>Bijvoorbeeld: geeft over een uur voorlichting aan een schoolklas.</source>
        <translation>For example: gives a talk to a school class in an hour.</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="79"/>
        <source>Uitkomst</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="85"/>
        <source>Soort &amp;rol</source>
        <translation>&amp;Role type</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="86"/>
        <source>&amp;Toelichting</source>
        <translation>&amp;Explanation</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="87"/>
        <source>&amp;Motivatie</source>
        <translation>&amp;Motivation</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="90"/>
        <source>Besluit vastleggen</source>
        <translation>Record decision</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="92"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="125"/>
        <source>Toegekend: de melding wordt P1 met het label “{label}”.</source>
        <translation>Granted: the ticket becomes P1 with the label “{label}”.</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="132"/>
        <source>Wordt afgewezen:</source>
        <translation>Will be refused:</translation>
    </message>
    <message>
        <location filename="../../ui/uplift_dialog.py" line="137"/>
        <source>Een schriftelijke motivatie is verplicht.</source>
        <translation>A written motivation is required.</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../ui/app.py" line="96"/>
        <source>HALT Desk</source>
        <extracomment>The cache, its clock, the settings, the token store, and where to sync (None: not signed in; an error: signed in, but the settings are unusable).</extracomment>
        <translation>HALT Desk</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="97"/>
        <source>De lokale gegevens kunnen niet worden geopend: {error}</source>
        <translation>The local data cannot be opened: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="201"/>
        <source>Demo wordt klaargezet…</source>
        <translation>Preparing the demo…</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="238"/>
        <source>Demo kon niet starten: {error}</source>
        <translation>The demo could not start: {error}</translation>
    </message>
</context>
</TS>
