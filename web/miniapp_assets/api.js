// The REST API as the page uses it: the Mini App's proof on every call, problems as errors.

let proof = "";

/** Use this initData on every call (`Authorization: tma <initData>`); "" for none. */
export function useInitData(initData) {
  proof = initData || "";
}

/** A refusal or failure, with the API's one sentence for the person (`detail`). */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

function headers(extra = {}) {
  const sent = { Accept: "application/json", ...extra };
  if (proof) sent.Authorization = `tma ${proof}`;
  return sent;
}

async function fail(response, fallback) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const detail = body && typeof body.detail === "string" ? body.detail : fallback;
  throw new ApiError(response.status, body && body.code, detail);
}

/** Call the API; JSON in and out. `fallback` is said when the answer has no detail. */
export async function call(method, path, { body, fallback = "" } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
    });
  } catch {
    throw new ApiError(0, "offline", fallback);
  }
  if (!response.ok) await fail(response, fallback);
  return response.status === 204 ? null : response.json();
}

/** A file the API serves (a .ics, a QR image), fetched with the proof. */
export async function file(path, fallback = "") {
  let response;
  try {
    response = await fetch(path, { headers: headers({ Accept: "*/*" }), credentials: "omit" });
  } catch {
    throw new ApiError(0, "offline", fallback);
  }
  if (!response.ok) await fail(response, fallback);
  return response.blob();
}

/** A blob as a data: URL (the page's policy allows data: images, not blob: ones). */
export function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
