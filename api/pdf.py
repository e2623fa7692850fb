"""PDF layouts: the certificate as the national template, the contract as the model contract,
an application as the registration application form (不动产登记申请书).

Chinese text needs an embedded CJK font: WenQuanYi Zen Hei (Debian fonts-wqy-zenhei), whose
TrueType outlines reportlab can subset and embed (the Noto CJK fonts are CFF, which it cannot).
`ONEWINDOW_PDF_FONT` names another TrueType file (.ttf, or .ttc with its first face).
"""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from domain.documents.records import ApplicationRecord, CertificateRecord, ContractRecord, Holder
from domain.enums import (
    CertificateKind,
    CertificateStatus,
    PaymentMethod,
    PropertyUsage,
    RegistrationKind,
    RegistrationStatus,
)

FONT = "OneWindowCJK"
DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

USAGE = {
    PropertyUsage.RESIDENTIAL: "住宅",
    PropertyUsage.COMMERCIAL: "商业",
    PropertyUsage.OFFICE: "办公",
    PropertyUsage.PARKING: "车位",
    PropertyUsage.OTHER: "其他",
}
PAYMENT = {
    PaymentMethod.FULL_PAYMENT: "一次性付款",
    PaymentMethod.COMMERCIAL_LOAN: "商业贷款",
    PaymentMethod.PROVIDENT_FUND_LOAN: "住房公积金贷款",
    PaymentMethod.COMBINED_LOAN: "组合贷款",
}
TITLE = {CertificateKind.OWNERSHIP_CERTIFICATE: "不动产权证书", CertificateKind.REGISTRATION_PROOF: "不动产登记证明"}
STATUS = {
    CertificateStatus.CURRENT: "现势",
    CertificateStatus.SUPERSEDED: "已被替代（历史）",
    CertificateStatus.CANCELLED: "已注销",
}


def _register_font() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    path = os.environ.get("ONEWINDOW_PDF_FONT") or DEFAULT_FONT_PATH
    if not os.path.exists(path):
        raise RuntimeError(f"no CJK font at {path}: install fonts-wqy-zenhei or set ONEWINDOW_PDF_FONT")
    pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0) if path.endswith(".ttc") else TTFont(FONT, path))


def shanghai_date(iso: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone(ZoneInfo("Asia/Shanghai"))
    return f"{moment.year}年{moment.month:02d}月{moment.day:02d}日"


def _area(value: str | Decimal) -> str:
    return f"{Decimal(value):.2f} 平方米"


def _yuan(value: Decimal) -> str:
    return f"人民币 {value:,.2f} 元"


# --- the certificate -------------------------------------------------------------------------


def certificate_pdf(record: CertificateRecord, verification_url: str) -> bytes:
    """One A4 page: title, number, the register's table, the authority and date, the QR code."""
    _register_font()
    content = record.certificate.content
    prop = content.get("property", {})
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"{TITLE[record.certificate.kind]} {record.certificate.number}")
    width, height = A4
    canvas.setFont(FONT, 26)
    canvas.drawCentredString(width / 2, height - 35 * mm, TITLE[record.certificate.kind])
    canvas.setFont(FONT, 12)
    canvas.drawCentredString(width / 2, height - 47 * mm, record.certificate.number)

    holders = "；".join(f"{h.name}（{h.id_number}）" for h in record.holders)
    rows = [
        ("权利人", holders),
        ("共有情况", "单独所有" if len(record.holders) == 1 else "共有"),
        ("坐落", prop.get("address", "")),
        ("不动产单元号", prop.get("unitCode", "")),
        ("权利类型", content.get("right", "")),
        ("用途", USAGE.get(PropertyUsage(prop["usage"]), prop["usage"]) if prop.get("usage") else ""),
        ("面积", _area(prop["buildingArea"]) if prop.get("buildingArea") else ""),
        ("权利其他状况", _other_facts(content)),
        ("登记状态", STATUS[record.status]),
    ]
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    table = Table([[Paragraph(k, cell), Paragraph(v, cell)] for k, v in rows], colWidths=[32 * mm, 128 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.95, 0.95, 0.95)),
            ]
        )
    )
    _, table_height = table.wrapOn(canvas, 160 * mm, height)
    top = height - 58 * mm
    table.drawOn(canvas, 25 * mm, top - table_height)

    below = top - table_height - 12 * mm
    canvas.setFont(FONT, 12)
    canvas.drawString(25 * mm, below, f"登记机构（章）：{content.get('authority', '')}")
    canvas.drawString(25 * mm, below - 8 * mm, f"登簿日期：{shanghai_date(content['issuedAt'])}")
    _draw_qr(canvas, verification_url, x=150 * mm, y=below - 32 * mm, size=35 * mm)
    canvas.setFont(FONT, 8)
    canvas.drawString(25 * mm, below - 24 * mm, "扫描二维码核验本证书的真实性与现势状态")
    canvas.drawString(25 * mm, 22 * mm, f"内容摘要 SHA-256：{record.certificate.content_hash}")
    canvas.drawString(25 * mm, 17 * mm, f"签名密钥：{record.certificate.signing_key_id}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _other_facts(content: dict) -> str:
    facts = []
    if content.get("contractNumber"):
        facts.append(f"网签备案号 {content['contractNumber']}")
    if content.get("principal"):
        facts.append(f"被担保主债权数额 {_yuan(Decimal(content['principal']))}")
    return "；".join(facts) or "无"


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares: sharp at any scale, no raster image to embed."""
    qr = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(border=2)]
    module = size / len(matrix)
    canvas.setFillColor(colors.black)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(x + c * module, y + size - (r + 1) * module, module, module, stroke=0, fill=1)


class _Styles:
    """The paragraph styles of the documents laid out as flowing text (contract, application)."""

    def __init__(self) -> None:
        self.title = ParagraphStyle("title", fontName=FONT, fontSize=20, leading=28, alignment=1)
        self.chapter = ParagraphStyle("chapter", fontName=FONT, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4)
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
        self.small = ParagraphStyle("small", fontName=FONT, fontSize=7.5, leading=10, wordWrap="CJK")


STYLES = _Styles()


def _document(buffer: io.BytesIO, title: str) -> SimpleDocTemplate:
    """An A4 document with the margins of the printed forms; `invariant` makes its bytes
    depend on its content only (no creation date), so a document can be compared."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        invariant=True,
    )


# --- the contract ----------------------------------------------------------------------------


def contract_pdf(record: ContractRecord) -> bytes:
    """商品房买卖合同示范文本's chapters, filled from the canonical text the parties sign."""
    _register_font()
    terms = json.loads(record.text)  # what is signed, not the rows: the layout shows the signed terms
    contract, prop = record.contract, record.property
    buffer = io.BytesIO()
    doc = _document(buffer, "商品房买卖合同")
    title, chapter, body, small = STYLES.title, STYLES.chapter, STYLES.body, STYLES.small
    story = [
        Paragraph("商品房买卖合同（预售）", title),
        Paragraph("示范文本 GF—2014—0171", ParagraphStyle("sub", parent=body, alignment=1)),
        Spacer(1, 6 * mm),
        Paragraph(f"合同编号：{contract.number or '（未备案）'}", body),
    ]

    def heading(text: str) -> None:
        story.append(Paragraph(text, chapter))

    def line(text: str) -> None:
        story.append(Paragraph(text, body))

    heading("第一章 合同当事人")
    line(f"出卖人：{terms['seller']['name']}　统一社会信用代码：{terms['seller']['idNumber']}")
    for buyer in terms["buyers"]:
        share = f"　份额：{Decimal(buyer['share']).normalize():f}" if buyer.get("share") else "　共同共有"
        line(f"买受人：{buyer['name']}　身份证号码：{buyer['idNumber']}{share}")
    heading("第二章 商品房基本状况")
    line(f"不动产单元号：{terms['property']}")
    line(f"坐落：{prop.address}")
    line(f"用途：{USAGE[prop.usage]}　建筑面积：{_area(prop.building_area)}")
    heading("第三章 商品房价款及付款方式")
    line(f"总价款：{_yuan(Decimal(terms['price']))}")
    line(f"首付款：{_yuan(Decimal(terms['downPayment']))}，存入商品房预售资金监管账户")
    line(
        f"付款方式：{PAYMENT[PaymentMethod(terms['paymentMethod'])]}"
        + (f"　贷款机构：{record.lender.name}（{terms['lender']}）" if terms.get("lender") and record.lender else "")
    )
    heading("第四章 商品房交付")
    line("出卖人应当在房屋通过竣工验收备案后，按照本合同约定将商品房交付买受人。")
    heading("第五章 交房即交证")
    line(
        "出卖人与买受人约定交房即交证：交付房屋时同时交付不动产权证书。"
        if terms["deliveryWithCertificate"]
        else "双方未约定交房即交证。"
    )
    heading("合同文本摘要")
    line(f"各方签署的文本（下列规范文本）的 SHA-256 摘要：{contract.document_hash}")
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(_escape(record.text), small))
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- an application ---------------------------------------------------------------------------

KIND = {
    RegistrationKind.ADVANCE_NOTICE: "预告登记",
    RegistrationKind.ADVANCE_MORTGAGE: "抵押权预告登记",
    RegistrationKind.FIRST_OWNERSHIP: "首次登记",
    RegistrationKind.TRANSFER: "转移登记",
    RegistrationKind.MORTGAGE: "抵押权登记",
    RegistrationKind.MORTGAGE_DISCHARGE: "抵押权注销登记",
    RegistrationKind.SEIZURE: "查封登记",
    RegistrationKind.SEIZURE_RELEASE: "解封登记",
    RegistrationKind.CANCELLATION: "注销登记",
    RegistrationKind.OBJECTION: "异议登记",
    RegistrationKind.CORRECTION: "更正登记",
}
REGISTRATION_STATUS = {
    RegistrationStatus.AWAITING_SIGNATURE: "待申请人签名",
    RegistrationStatus.SUBMITTED: "已提交",
    RegistrationStatus.IN_REVIEW: "人工审核中",
    RegistrationStatus.COMPLETED: "已登簿",
    RegistrationStatus.REJECTED: "不予登记",
    RegistrationStatus.WITHDRAWN: "已撤回",
}
# The application forms' keys (domain/services/*), named as the paper form names them.
FACT = {
    "registrationType": "登记事由",
    "contractNumber": "网签备案号",
    "property": "不动产",
    "unitCode": "不动产单元号",
    "address": "坐落",
    "building": "幢号",
    "floor": "所在层",
    "room": "房号",
    "buildingArea": "建筑面积（平方米）",
    "usage": "用途",
    "rightHolders": "权利人",
    "applicants": "申请人",
    "applicant": "申请人",
    "name": "姓名（名称）",
    "idNumber": "证件号码",
    "share": "份额",
    "householdAddress": "户籍地址",
    "maritalStatus": "婚姻状况",
    "ownershipForm": "共有方式",
    "obligor": "义务人",
    "price": "价款（元）",
    "paymentMethod": "付款方式",
    "deliveryWithCertificate": "交房即交证",
    "cancels": "注销的登记",
    "number": "编号",
    "kind": "种类",
    "reason": "原因",
    "courtDocument": "法院文书",
    "court": "法院",
    "documentNumber": "文书号",
    "until": "期限至",
    "seizure": "解封的查封",
    "discharges": "注销的抵押权",
    "principal": "被担保主债权数额（元）",
    "termMonths": "债务履行期限（月）",
    "advanceNotice": "预告登记证明号",
    "firstOwnership": "首次登记",
    "permit": "预售许可证号",
    "completionAcceptance": "竣工验收备案号",
    "claim": "异议事项",
    "corrects": "更正的登记",
    "registrationId": "登记",
    "recorded": "登记簿记载",
    "corrections": "更正事项",
}


def _named(key: str, value: str) -> str:
    """An enum value of the form in Chinese, as the paper form writes it."""
    try:
        if key == "usage":
            return USAGE[PropertyUsage(value)]
        if key == "paymentMethod":
            return PAYMENT[PaymentMethod(value)]
        if key == "kind":
            return f"{KIND[RegistrationKind(value)]}（{value}）"
    except (ValueError, KeyError):
        pass
    return value


def _fact(value: object, key: str = "") -> str:
    """One fact of the form as Paragraph markup: nested records as 'label：value', lists a line each."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{_escape(FACT.get(k, k))}：{_fact(v, k)}" for k, v in value.items())
    if isinstance(value, list):
        return "<br/>".join(_fact(v, key) for v in value) or "—"
    return _escape(_named(key, value) if isinstance(value, str) else str(value))


def _facts(form: dict) -> list[tuple[str, str]]:
    return [(_escape(FACT.get(key, key)), _fact(value, key)) for key, value in form.items()]


def _person(holder: Holder) -> str:
    return f"{holder.name}（{holder.id_number}）"


def application_pdf(record: ApplicationRecord) -> bytes:
    """不动产登记申请书: the application, its parties and the facts of its form, then the text the
    applicants sign and its SHA-256 (`documentHash`)."""
    _register_font()
    registration, prop = record.registration, record.property
    buffer = io.BytesIO()
    doc = _document(buffer, "不动产登记申请书")
    title, chapter, body, small = STYLES.title, STYLES.chapter, STYLES.body, STYLES.small
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")

    def table(rows: list[tuple[str, str]]) -> Table:
        grid = Table([[Paragraph(k, cell), Paragraph(v, cell)] for k, v in rows], colWidths=[40 * mm, 126 * mm])
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.95, 0.95, 0.95)),
                ]
            )
        )
        return grid

    kind = f"{KIND[registration.kind]}（{registration.kind.value}）"
    story = [
        Paragraph("不动产登记申请书", title),
        Paragraph(kind, ParagraphStyle("sub", parent=body, alignment=1)),
        Spacer(1, 6 * mm),
        Paragraph("申请登记事项", chapter),
        table(
            [
                ("登记类型", _escape(kind)),
                ("登记事由", _escape(str(record.form.get("registrationType") or "—"))),
                ("办理状态", REGISTRATION_STATUS[registration.status]),
                ("登记编号", _escape(registration.number or "（未登簿）")),
                ("不动产单元号", prop.unit_code),
                ("坐落", _escape(prop.address)),
                ("用途", USAGE[prop.usage]),
                ("建筑面积", _area(prop.building_area)),
            ]
        ),
        Paragraph("申请人与权利人", chapter),
        table(
            [
                ("申请人", "<br/>".join(_escape(_person(h)) for h in record.applicants) or "—"),
                ("权利人", "<br/>".join(_escape(_person(h)) for h in record.right_holders) or "—"),
            ]
        ),
        Paragraph("申请书记载事项", chapter),
        table(_facts(record.form)),
        Paragraph("申请书文本摘要", chapter),
        Paragraph(f"申请人签署的文本（规范文本）的 SHA-256 摘要：{record.document_hash}", body),
        Spacer(1, 3 * mm),
    ]
    if record.masked:
        story.append(Paragraph("文本含您无权查看的身份证件号码，此处不印全文。", body))
    else:
        story.append(Paragraph(_escape(record.text), small))
    doc.build(story)
    return buffer.getvalue()
