"""Small hand-made fixtures for the search engine tests (no shared data)."""
import datetime as dt

import pytest

from market.search.index import build_index, close_all, whoosh_patch


def doc(id, title, abstract="", **kw):
    d = {
        "id": str(id), "application_number": "", "patent_number": "", "publication_number": "",
        "title": title, "abstract": abstract, "claims": "", "keywords": "", "owner": "",
        "inventors": "", "ipc": [], "industry": "other", "patent_type": "invention",
        "legal_status": "granted", "offer_kinds": [], "open_licence": False, "upfront_fee": 0,
        "royalty_bp": 0, "term_years": 0, "district": "", "owner_id": "", "filing_year": None,
        "listed_at": None,
    }
    d.update(kw)
    return d


DOCS = [
    doc(1, "一种石墨烯薄膜的制备方法", "本发明公开了一种石墨烯薄膜，导热性能好。",
        application_number="201710601862.3", patent_number="ZL201710601862.3",
        ipc=["C01B 32/184", "B82Y 30/00"], industry="new_materials", owner="东北大学",
        owner_id="o1", offer_kinds=["open_licence", "licence"], open_licence=True,
        upfront_fee=0, district="浑南区", filing_year=2017,
        listed_at=dt.datetime(2024, 1, 5)),
    doc(2, "基于深度学习的图像识别方法", "利用卷积神经网络对图像进行识别，适用于工业检测。",
        publication_number="CN112604685B", ipc=["G06F 17/30", "G06K 9/62"],
        industry="electronic_information", owner="沈阳工业大学", owner_id="o2",
        offer_kinds=["licence"], upfront_fee=5_000_000, district="铁西区", filing_year=2020,
        listed_at=dt.datetime(2024, 3, 1)),
    doc(3, "基因编辑水稻育种方法", "通过基因编辑技术获得抗病水稻新品种。",
        ipc=["C12N 15/82", "A01H 1/00"], industry="modern_agriculture", owner="沈阳农业大学",
        owner_id="o3", offer_kinds=["assignment"], upfront_fee=20_000_000, district="沈河区",
        filing_year=2019, listed_at=dt.datetime(2023, 6, 1), patent_type="invention"),
    doc(4, "<script>alert(1)</script>石墨烯电池", "一种含有<b>石墨烯</b>的锂离子电池 & 电极",
        ipc=["H01M 4/36"], industry="energy_environment", owner="东北大学", owner_id="o1",
        offer_kinds=["open_licence"], open_licence=True, upfront_fee=100_000, district="浑南区",
        filing_year=2021, listed_at=dt.datetime(2024, 5, 1), patent_type="utility_model"),
    doc(5, "Battery management system for electric vehicles",
        "A battery management system (BMS) monitors lithium cells of an EV.",
        ipc=["H02J 7/00"], industry="energy_environment", owner="Acme Corp", owner_id="o4",
        offer_kinds=["licence"], upfront_fee=300_000, filing_year=2022, language="en"),
    doc(6, "一种沥青混凝土搅拌装置", "搅拌沥青与骨料，提高混合均匀度。",
        ipc=["E01C 19/10"], industry="other", owner="沈阳建筑大学", owner_id="o5",
        offer_kinds=["licence", "assignment"], upfront_fee=2_000_000, district="浑南区",
        filing_year=2018, listed_at=dt.datetime(2022, 2, 2), patent_type="utility_model"),
    doc(7, "污水处理用生物反应器", "一种用于污水处理的生物反应器，降低能耗，提高脱氮效率。",
        ipc=["C02F 3/30"], industry="energy_environment", owner="中国科学院沈阳应用生态研究所",
        owner_id="o6", offer_kinds=["open_licence"], open_licence=True, upfront_fee=0,
        district="沈河区", filing_year=2016, listed_at=dt.datetime(2021, 1, 1)),
    doc(8, "数控机床主轴冷却系统", "对数控机床主轴进行循环冷却，减少热变形。",
        ipc=["B23Q 11/12"], industry="high_end_equipment", owner="沈阳机床厂", owner_id="o7",
        offer_kinds=["licence"], upfront_fee=800_000, district="铁西区", filing_year=2015,
        keywords="数控机床, 主轴冷却"),
]


@pytest.fixture(autouse=True, scope="session")
def whoosh_patched():
    """The engine tests run without the app: patch Whoosh as its init_app does."""
    whoosh_patch.install()


@pytest.fixture
def docs():
    return [dict(d) for d in DOCS]


@pytest.fixture
def index_dir(tmp_path, docs):
    d = tmp_path / "ix"
    build_index(d, docs)
    yield d
    close_all()
