// The studio's HTTP API, as the page calls it: JSON in, JSON out, errors as {status, errors}.

export class ApiError extends Error {
  constructor(status, errors) {
    super(errors.map((e) => e.message).join("; ") || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
  }
}

async function answer(response) {
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const errors = data && Array.isArray(data.errors) ? data.errors
      : [{ field: null, message: `The studio answered ${response.status}.`, hint: null }];
    throw new ApiError(response.status, errors);
  }
  return data;
}

export async function get(url) {
  return answer(await fetch(url, { headers: { Accept: "application/json" } }));
}

export async function post(url, body) {
  return answer(await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  }));
}

/** Polls a job every 100 ms until it is done or failed; `onProgress(job)` sees each answer. */
export async function waitForJob(job, onProgress) {
  for (;;) {
    const state = await get(`/api/jobs/${encodeURIComponent(job)}`);
    onProgress(state);
    if (state.state === "done") return state;
    if (state.state === "failed") throw new ApiError(422, state.errors || [{ field: null, message: "The job failed." }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const routinePath = (id) => `/api/routines/${encodeURIComponent(id)}`;
