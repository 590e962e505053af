import { api, post } from '../../api.ts';
import type { Permission, UserView } from '../../types.ts';

export interface Me {
  user: UserView;
  permissions: Permission[];
}

export const fetchMe = () => api<Me>('/api/v1/auth/me');
export const login = (email: string, password: string) => post<Me & { expiresAt: number }>('/api/v1/auth/login', { email, password });
export const logout = () => post<{ ok: true }>('/api/v1/auth/logout');
