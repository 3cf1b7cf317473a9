from ninja import NinjaAPI

from . import errors
from .auth import TokenAuth
from .decisions import counsel_router, decisions_router, documents_router
from .enforcement import recon_router as reconsideration_router
from .enforcement import router as enforcement_router
from .ledgers import router as ledgers_router
from .ledgers_policies import router as policies_router
from .ledgers_projects import router as projects_router
from .registers import router as registers_router
from .review import router as review_router
from .review_panel import router as review_panel_router
from .routers import assessments_router, auth_router, frameworks_router
from .supervision import recon_router as recon_supervision_router
from .supervision import router as supervision_router
from .tokens import router as tokens_router
from .workplan import router as workplan_router


class FazhiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The handler's own name ("create_assessment"): what a generated client calls it.
        # tests/test_api_contract.py keeps the names unique across routers.
        return operation.view_func.__name__


api = FazhiAPI(
    title="Fazhi API",
    version="1",
    description="科技创新法治示范区创建管理平台 API",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,  # the docs page loads scripts from a CDN; intranets are offline
)
errors.install(api)
api.add_router("/auth", auth_router)
api.add_router("/auth", tokens_router)
api.add_router("/frameworks", frameworks_router)
api.add_router("/assessments", assessments_router)

api.add_router("", workplan_router)
api.add_router("", registers_router)
api.add_router("", review_router)
api.add_router("", review_panel_router)
api.add_router("", ledgers_router)
api.add_router("", projects_router)
api.add_router("", policies_router)
api.add_router("/normative-documents", documents_router)
api.add_router("/decisions", decisions_router)
api.add_router("/counsel", counsel_router)
api.add_router("/enforcement", enforcement_router)
api.add_router("/reconsideration", reconsideration_router)
api.add_router("/enforcement", supervision_router)
api.add_router("/reconsideration", recon_supervision_router)
