import { Route } from 'react-router';
import { MyProductsPage } from './MyProductsPage.tsx';
import { MyRequestsPage } from './MyRequestsPage.tsx';
import { NewRequestPage } from './NewRequestPage.tsx';
import { PortalLayout } from './PortalLayout.tsx';
import { PortalLoginPage } from './PortalLoginPage.tsx';
import { RequestPage } from './RequestPage.tsx';

/** The customer portal's routes under /portal (a function, not a component: <Routes> takes <Route>s as its children). */
export function portalRoutes() {
  return (
    <>
      <Route path="/portal/login" element={<PortalLoginPage />} />
      <Route path="/portal" element={<PortalLayout />}>
        <Route index element={<MyRequestsPage />} />
        <Route path="new" element={<NewRequestPage />} />
        <Route path="requests/:id" element={<RequestPage />} />
        <Route path="products" element={<MyProductsPage />} />
        <Route path="*" element={<MyRequestsPage />} />
      </Route>
    </>
  );
}
