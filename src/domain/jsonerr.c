/* jansson's error codes as Vietnamese phrases (see jsonerr.h). */
#include "domain/jsonerr.h"

const char *
json_problem_vi(const json_error_t *je, const char *wrong_shape)
{
	switch (json_error_code(je)) {
	case json_error_invalid_utf8: return "có byte không phải UTF-8";
	case json_error_premature_end_of_input:
		return "tài liệu kết thúc giữa chừng (thiếu dấu đóng ngoặc hoặc nháy?)";
	case json_error_end_of_input_expected: return "còn nội dung thừa sau khi tài liệu kết thúc";
	case json_error_null_character:
	case json_error_null_byte_in_key: return "có ký tự NUL";
	case json_error_duplicate_key: return "một trường xuất hiện hai lần trong cùng đối tượng";
	case json_error_numeric_overflow: return "có số quá lớn";
	case json_error_stack_overflow: return "lồng ngoặc quá sâu";
	case json_error_wrong_type:
	case json_error_invalid_format: return wrong_shape;
	default: return "sai cú pháp";
	}
}
