import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useMe } from './modules/auth/hooks.ts';
import { CasePage } from './pages/CasePage.tsx';
import { ConsultationsPage } from './pages/ConsultationsPage.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { FollowupsPage } from './pages/FollowupsPage.tsx';
import { KnowledgePage } from './pages/KnowledgePage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NewCasePage } from './pages/NewCasePage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { ProblemPage } from './pages/ProblemPage.tsx';
import { ProblemsPage } from './pages/ProblemsPage.tsx';
import { QueuePage } from './pages/QueuePage.tsx';
import { RoutingPage } from './pages/RoutingPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SurveysPage } from './pages/SurveysPage.tsx';
import { QualityPage } from './pages/QualityPage.tsx';
import { MyQualityPage } from './pages/MyQualityPage.tsx';
import { TrainingPage } from './pages/TrainingPage.tsx';
import { ImportPage } from './pages/ImportPage.tsx';
import { ReportsPage } from './pages/ReportsPage.tsx';
import { FieldServicePage } from './pages/FieldServicePage.tsx';
import { WorkOrderPage } from './pages/WorkOrderPage.tsx';
import { ScorecardsPage } from './pages/ScorecardsPage.tsx';
import { SupervisionPage } from './pages/SupervisionPage.tsx';
import { CustomersPage } from './pages/CustomersPage.tsx';
import { CustomerProfilePage } from './pages/CustomerProfilePage.tsx';
import { CampaignsPage } from './pages/CampaignsPage.tsx';
import { Layout } from './ui/Layout.tsx';
import { ErrorMessage, Loading } from './ui/feedback.tsx';
import { portalRoutes } from './portal/routes.tsx';

/** Every page but the login needs a session: without one, go to the login and come back after. */
function RequireLogin() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.error) {
    if ('status' in me.error && me.error.status === 401) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  }
  // customers have the portal, not the workspace
  if (me.data.user.role === 'customer') return <Navigate to="/portal" replace />;
  return <Layout me={me.data} />;
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      {portalRoutes()}
      <Route element={<RequireLogin />}>
        <Route index element={<QueuePage />} />
        <Route path="cases/new" element={<NewCasePage />} />
        <Route path="cases/:id" element={<CasePage />} />
        <Route path="dashboard" element={<DashboardPage />} />
        <Route path="settings/classification" element={<SettingsPage />} />
        <Route path="consultations" element={<ConsultationsPage />} />
        <Route path="problems" element={<ProblemsPage />} />
        <Route path="problems/:id" element={<ProblemPage />} />
        <Route path="settings/routing" element={<RoutingPage />} />
        <Route path="surveys" element={<SurveysPage />} />
        <Route path="followups" element={<FollowupsPage />} />
        <Route path="quality" element={<QualityPage />} />
        <Route path="quality/mine" element={<MyQualityPage />} />
        <Route path="training" element={<TrainingPage />} />
        <Route path="knowledge" element={<KnowledgePage />} />
        <Route path="knowledge/:id" element={<KnowledgePage />} />
        <Route path="import" element={<ImportPage />} />
        <Route path="reports" element={<ReportsPage />} />
        <Route path="reports/:id" element={<ReportsPage />} />
        <Route path="service" element={<FieldServicePage />} />
        <Route path="service/:id" element={<WorkOrderPage />} />
        <Route path="scorecards" element={<ScorecardsPage />} />
        <Route path="supervision" element={<SupervisionPage />} />
        <Route path="customers" element={<CustomersPage />} />
        <Route path="customers/:id" element={<CustomerProfilePage />} />
        <Route path="campaigns" element={<CampaignsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
